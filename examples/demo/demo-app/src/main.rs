//! demo-app: drives demo-core. Run it with `cargo run -p demo-app`.

use demo_core::checksum::{checksum_bytes, checksum_c, checksum_rust, process_id, sum_of_squares};
use demo_core::plugin::{ByteCounter, Checksummer, Hook, Plugin, as_bytes, run_all, run_one};
use demo_core::ring::{RingBuffer, total_pushed};

// FACT: an FFI import that no C library provides: its symbol is demo-core's
// `#[unsafe(no_mangle)]` export `demo_ring_len`, so the linked graph can join this FFI edge
// back into Rust code in another crate.
unsafe extern "C" {
    fn demo_ring_len(ring: *const RingBuffer) -> usize;
}

fn times_ten(x: u32) -> u32 {
    x * 10
}

fn main() {
    let mut ring = RingBuffer::with_capacity(8);
    for &b in b"hello, painter!" {
        ring.push(b);
    }
    let bytes = ring.to_vec();
    println!(
        "ring keeps the last {} bytes: {:?}",
        ring.len(),
        String::from_utf8_lossy(&bytes)
    );
    println!("oldest byte: {:?}", unsafe { ring.get_unchecked(0) }
        as char);

    let (rust_sum, c_sum) = (checksum_rust(&bytes), checksum_c(&bytes));
    println!(
        "adler32: rust {rust_sum:#010x}, C {c_sum:#010x}, agree: {}",
        rust_sum == c_sum
    );
    println!("checksum bytes: {:02x?}", checksum_bytes(c_sum));

    // FACT: a trait method call statically resolved to `<ByteCounter as Plugin>::process`.
    let mut counter = ByteCounter { seen: 0 };
    let (direct, generic) = (counter.process(&bytes), run_one(&mut counter, &bytes));
    println!("{}: {direct}, then via run_one: {generic}", counter.name());

    let mut plugins: Vec<Box<dyn Plugin>> = vec![Box::new(Checksummer), Box::new(counter)];
    for (name, out) in run_all(&mut plugins, &bytes) {
        println!("plugin {name}: {out}");
    }

    let hooks = [
        Hook {
            name: "times ten",
            apply: times_ten,
        },
        Hook {
            name: "negate",
            apply: |x| x.wrapping_neg(),
        },
    ];
    for hook in &hooks {
        println!("hook {}: 7 -> {}", hook.name, hook.call(7));
    }

    // FACT: a closure called directly: a `closure` call, resolved to the closure's own body.
    let percent = |part: usize, whole: usize| part * 100 / whole.max(1);
    println!("ring fill: {}%", percent(ring.len(), 8));

    println!(
        "sum of squares of 1..=4 (C calling back into Rust): {}",
        sum_of_squares(&[1, 2, 3, 4])
    );
    println!("as_bytes(&[1u32]) = {:?}", as_bytes(&[1u32]));
    println!("process id (libc::getpid): {}", process_id());
    println!("ring length seen from C ABI: {}", unsafe {
        demo_ring_len(&ring)
    });
    println!("bytes pushed in total: {}", total_pushed());
    // FACT: `ring` is dropped here, at the end of main: a `drop` call into RingBuffer's Drop impl.
}
