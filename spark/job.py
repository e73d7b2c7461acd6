"""Entry point for spark-submit and python3: `spark-submit spark/job.py DATASET --out OUT`
(docs/spark.md). The driver alone runs Python; executors run only Spark SQL, so nothing has
to be shipped to them."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from painter_spark.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
