//! The part of the `externref` crate's surrogate ABI this example needs, written out by hand.
//!
//! Inside the module a host reference is an `i32` slot index into a table of references. The
//! externref processor (our Maven plugin) turns the `i32`s at the marked positions of imports and
//! exports into real `externref`s and implements the `externref.*` imports inside the module.
//! Which positions are references is recorded in the `__externrefs` custom section.

use core::marker::PhantomData;

/// A host reference crossing the module boundary (an `externref` once processed).
#[repr(transparent)]
#[derive(Clone, Copy)]
pub struct ExternRef(i32);

#[link(wasm_import_module = "externref")]
unsafe extern "C" {
    #[link_name = "insert"]
    fn insert(r: ExternRef) -> i32;
    #[link_name = "get"]
    fn get(slot: i32) -> ExternRef;
    #[link_name = "drop"]
    fn drop(slot: i32);
    #[link_name = "guard"]
    fn guard();
}

/// Must be the first call in every wrapper of an import that takes or returns references.
#[inline(always)]
pub unsafe fn import_guard() {
    unsafe { guard() }
}

/// A host reference owned by the module; dropping it frees its slot.
pub struct Resource<T> {
    slot: i32,
    _ty: PhantomData<fn(T)>,
}

impl<T> Resource<T> {
    /// Takes a reference from the host into the table (traps on null).
    ///
    /// # Safety
    /// `r` must come straight from the host: an export parameter or an import result.
    #[inline(always)]
    pub unsafe fn new_non_null(r: ExternRef) -> Self {
        let slot = unsafe { insert(r) };
        if slot == -1 {
            core::arch::wasm32::unreachable();
        }
        Self { slot, _ty: PhantomData }
    }

    /// The reference to pass to an import.
    ///
    /// # Safety
    /// The result must go straight into the import call.
    #[inline(always)]
    pub unsafe fn raw(&self) -> ExternRef {
        unsafe { get(self.slot) }
    }

    /// The reference to return from an export; frees the slot.
    ///
    /// # Safety
    /// The result must be returned from the export right away.
    #[inline(always)]
    pub unsafe fn take_raw(self) -> ExternRef {
        let slot = self.slot;
        core::mem::forget(self);
        let r = unsafe { get(slot) };
        unsafe { drop(slot) };
        r
    }
}

impl<T> Drop for Resource<T> {
    #[inline(always)]
    fn drop(&mut self) {
        unsafe { drop(self.slot) }
    }
}

/// `true` at the reference positions of a described signature.
pub trait Position {
    const IS_REF: bool;
}
impl Position for ExternRef {
    const IS_REF: bool = true;
}
impl Position for i32 {
    const IS_REF: bool = false;
}

/// Length of one `__externrefs` record.
pub const fn record_len(module: Option<&str>, name: &str, positions: usize) -> usize {
    let kind = match module {
        Some(m) => 4 + m.len(),
        None => 4,
    };
    kind + 4 + name.len() + 4 + positions.div_ceil(8)
}

/// One `__externrefs` record: kind (u32 LE; `u32::MAX` for an export, else the length of the
/// import's module name, followed by it), name (u32 LE length + bytes), reference bits (u32 LE
/// count of parameters + results, then the bits, least significant first).
pub const fn record<const N: usize>(module: Option<&str>, name: &str, refs: &[bool]) -> [u8; N] {
    assert!(N == record_len(module, name, refs.len()));
    let mut out = [0u8; N];
    let mut pos = 0;
    let kind = match module {
        Some(m) => m.len() as u32,
        None => u32::MAX,
    };
    out = put(out, &mut pos, &kind.to_le_bytes());
    if let Some(m) = module {
        out = put(out, &mut pos, m.as_bytes());
    }
    out = put(out, &mut pos, &(name.len() as u32).to_le_bytes());
    out = put(out, &mut pos, name.as_bytes());
    out = put(out, &mut pos, &(refs.len() as u32).to_le_bytes());
    let mut i = 0;
    while i < refs.len() {
        if refs[i] {
            out[pos + i / 8] |= 1 << (i % 8);
        }
        i += 1;
    }
    out
}

const fn put<const N: usize>(mut out: [u8; N], pos: &mut usize, bytes: &[u8]) -> [u8; N] {
    let mut i = 0;
    while i < bytes.len() {
        out[*pos] = bytes[i];
        *pos += 1;
        i += 1;
    }
    out
}

/// Declares raw imports of one host module and emits their `__externrefs` records from the same
/// tokens.
#[macro_export]
macro_rules! host_imports {
    (
        module $module:literal;
        $( $(#[$attr:meta])* fn $raw:ident = $name:literal ($($arg:ident : $ty:ty),*) $(-> $ret:ty)?; )*
    ) => {
        #[link(wasm_import_module = $module)]
        unsafe extern "C" {
            $( $(#[$attr])* #[link_name = $name] fn $raw($($arg: $ty),*) $(-> $ret)?; )*
        }
        $(
            const _: () = {
                const REFS: &[bool] = &[
                    $(<$ty as $crate::externref::Position>::IS_REF,)*
                    $(<$ret as $crate::externref::Position>::IS_REF,)?
                ];
                const LEN: usize = $crate::externref::record_len(Some($module), $name, REFS.len());
                // Like the externref crate: no `#[used]`. rustc emits a `link_section` static
                // into the custom section on wasm even when nothing references it; `#[used]`
                // would also keep a copy in a data segment.
                #[allow(dead_code)]
                #[unsafe(link_section = "__externrefs")]
                static RECORD: [u8; LEN] = $crate::externref::record(Some($module), $name, REFS);
            };
        )*
    };
}

/// Emits the `__externrefs` record of a `#[unsafe(no_mangle)]` export, checking the listed
/// signature against the function's type.
#[macro_export]
macro_rules! describe_export {
    ($func:ident : ($($param:ty),*) $(-> $ret:ty)?) => {
        const _: () = {
            const _SIGNATURE_CHECK: unsafe extern "C" fn($($param),*) $(-> $ret)? = $func;
            const NAME: &str = stringify!($func);
            const REFS: &[bool] = &[
                $(<$param as $crate::externref::Position>::IS_REF,)*
                $(<$ret as $crate::externref::Position>::IS_REF,)?
            ];
            const LEN: usize = $crate::externref::record_len(None, NAME, REFS.len());
            #[allow(dead_code)]
            #[unsafe(link_section = "__externrefs")]
            static RECORD: [u8; LEN] = $crate::externref::record(None, NAME, REFS);
        };
    };
}
