use std::alloc::{Layout, alloc_zeroed, dealloc, handle_alloc_error};

// FACT: a `static mut`; every read or write of it is an unsafe op (use_static_mut).
static mut TOTAL_PUSHED: usize = 0;

/// A fixed-capacity ring of bytes that owns a raw heap allocation; when full, pushing
/// overwrites the oldest byte. `repr(C)` because C code may hold pointers to it.
#[repr(C)]
pub struct RingBuffer {
    buf: *mut u8,
    cap: usize,
    head: usize,
    len: usize,
}

// FACT: an unsafe impl of an unsafe (auto) trait. The raw pointer makes the type !Send by
// default; it owns its allocation, so moving it to another thread is fine.
unsafe impl Send for RingBuffer {}

impl RingBuffer {
    pub fn with_capacity(cap: usize) -> RingBuffer {
        assert!(cap > 0, "capacity must be positive");
        let layout = Layout::array::<u8>(cap).expect("capacity overflow");
        // FACT: call to an unsafe std fn (call_unsafe_fn).
        let buf = unsafe { alloc_zeroed(layout) };
        if buf.is_null() {
            handle_alloc_error(layout);
        }
        RingBuffer {
            buf,
            cap,
            head: 0,
            len: 0,
        }
    }

    pub fn push(&mut self, byte: u8) {
        let slot = (self.head + self.len) % self.cap;
        // FACT: raw pointer deref (a write through `*mut u8`) plus an unsafe call (`add`).
        unsafe { *self.buf.add(slot) = byte };
        if self.len == self.cap {
            self.head = (self.head + 1) % self.cap;
        } else {
            self.len += 1;
        }
        // FACT: `static mut` write.
        unsafe { TOTAL_PUSHED += 1 };
    }

    /// Reads the `i`-th oldest byte without a bounds check.
    ///
    /// # Safety
    /// `i < self.len()`.
    // FACT: an unsafe fn whose body performs unsafe ops directly (context: unsafe fn body).
    #[allow(unsafe_op_in_unsafe_fn)]
    pub unsafe fn get_unchecked(&self, i: usize) -> u8 {
        *self.buf.add((self.head + i) % self.cap)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    // FACT: calls a closure it is given (`f(..)` on a type parameter: a generic call).
    pub fn for_each<F: FnMut(u8)>(&self, mut f: F) {
        for i in 0..self.len {
            // FACT: call to our own unsafe fn.
            f(unsafe { self.get_unchecked(i) });
        }
    }

    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len);
        // FACT: a closure passed to a function that calls it.
        self.for_each(|b| out.push(b));
        out
    }
}

// FACT: a `Drop` impl; every place a RingBuffer dies is a `drop` call edge into it.
impl Drop for RingBuffer {
    fn drop(&mut self) {
        let layout = Layout::array::<u8>(self.cap).expect("valid at allocation");
        unsafe { dealloc(self.buf, layout) };
    }
}

pub fn total_pushed() -> usize {
    // FACT: `static mut` read.
    unsafe { TOTAL_PUSHED }
}

// FACT: a Rust function exported to C under an unmangled symbol (FFI export).
#[unsafe(no_mangle)]
pub extern "C" fn demo_ring_len(ring: *const RingBuffer) -> usize {
    if ring.is_null() {
        return 0;
    }
    // FACT: raw pointer deref.
    unsafe { (*ring).len }
}
