//! hello-externref: a WebAssembly guest that greets host objects it only knows as `externref`s.
//!
//! Host imports (module `host`):
//! - `new_greeting(ptr: i32, len: i32) -> externref`: a host string made from guest memory;
//! - `greet(person: externref, greeting: externref)`: the host prints `<greeting>, <person>!`;
//! - `name_len(person: externref) -> i32`: the length of the person's name.
//!
//! Exports: `memory`, `welcome(person: externref) -> externref` and
//! `welcome_all(a: externref, b: externref) -> i32`.
//!
//! Build with `cargo build --release --target wasm32-unknown-unknown`, then run the externref
//! processor over the module; the `i32` surrogates below become real `externref`s.

#![no_std]

mod externref;

use externref::{ExternRef, Resource};

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    core::arch::wasm32::unreachable()
}

/// A person on the host side.
pub enum Person {}
/// A greeting string on the host side.
pub enum Greeting {}

host_imports! {
    module "host";
    fn raw_new_greeting = "new_greeting"(ptr: i32, len: i32) -> ExternRef;
    fn raw_greet = "greet"(person: ExternRef, greeting: ExternRef);
    fn raw_name_len = "name_len"(person: ExternRef) -> i32;
}

// Import wrappers, as the externref crate's macro would generate them.

#[inline(never)]
fn new_greeting(text: &str) -> Resource<Greeting> {
    unsafe {
        externref::import_guard();
        let r = raw_new_greeting(text.as_ptr() as i32, text.len() as i32);
        Resource::new_non_null(r)
    }
}

#[inline(never)]
fn greet(person: &Resource<Person>, greeting: &Resource<Greeting>) {
    unsafe {
        externref::import_guard();
        raw_greet(person.raw(), greeting.raw());
    }
}

#[inline(never)]
fn name_len(person: &Resource<Person>) -> i32 {
    unsafe {
        externref::import_guard();
        raw_name_len(person.raw())
    }
}

/// Greets `person` with "Hi" (short names) or "Hello"; returns the greeting and the name length.
fn welcome_one(person: &Resource<Person>) -> (Resource<Greeting>, i32) {
    let len = name_len(person);
    let greeting = new_greeting(if len < 4 { "Hi" } else { "Hello" });
    greet(person, &greeting);
    (greeting, len)
}

/// Welcomes `person` and hands the greeting to the host.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn welcome(person: ExternRef) -> ExternRef {
    let person: Resource<Person> = unsafe { Resource::new_non_null(person) };
    let (greeting, _) = welcome_one(&person);
    let out = unsafe { greeting.take_raw() };
    drop(person);
    out
}
describe_export!(welcome: (ExternRef) -> ExternRef);

/// Welcomes `a`, then `b`; returns the sum of their name lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn welcome_all(a: ExternRef, b: ExternRef) -> i32 {
    let a: Resource<Person> = unsafe { Resource::new_non_null(a) };
    let b: Resource<Person> = unsafe { Resource::new_non_null(b) };
    let (greeting_a, len_a) = welcome_one(&a);
    drop(greeting_a);
    let (greeting_b, len_b) = welcome_one(&b);
    drop(greeting_b);
    drop(b);
    drop(a);
    len_a + len_b
}
describe_export!(welcome_all: (ExternRef, ExternRef) -> i32);
