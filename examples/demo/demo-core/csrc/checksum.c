/* The C half of demo-core: an Adler-32 checksum, a seed exported as a global, and a
 * function that calls a Rust callback for every element. */
#include <stddef.h>
#include <stdint.h>

/* Read from Rust as an extern static. */
const uint32_t demo_checksum_seed = 1;

uint32_t demo_checksum(const uint8_t *data, size_t len) {
    uint32_t a = demo_checksum_seed, b = 0;
    for (size_t i = 0; i < len; i++) {
        a = (a + data[i]) % 65521;
        b = (b + a) % 65521;
    }
    return (b << 16) | a;
}

typedef uint32_t (*demo_map_fn)(uint32_t);

/* Calls back into Rust: sum of cb(values[i]). */
uint32_t demo_apply(demo_map_fn cb, const uint32_t *values, size_t len) {
    uint32_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        sum += cb(values[i]);
    }
    return sum;
}
