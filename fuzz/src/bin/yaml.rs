#![no_main]
//! AFL++ target: see `drydock_fuzz::yaml`.

/// Called by AFL++'s driver (libAFLDriver) for every input.
#[no_mangle]
pub extern "C" fn LLVMFuzzerTestOneInput(data: *const u8, size: usize) -> i32 {
    // SAFETY: the driver passes a valid buffer of `size` bytes.
    let data = unsafe { std::slice::from_raw_parts(data, size) };
    drydock_fuzz::yaml(data);
    0
}
