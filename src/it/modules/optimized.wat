;; poke.wat after an optimizer went over it: the import wrapper is inlined into the export,
;; so the externref.guard call is no longer first in its function, and code motion merged the
;; reference with an integer (a value that is a reference on one path and 0 on the other).
;; No typing makes that sound: processing must fail, naming the misplaced guard as the likely
;; cause. (The real fixtures/modules/release-wasm-opt-Os.wasm has a misplaced guard too, but
;; its references flow cleanly, and the engine processes it.)
;;
;; externref: import env.touch 1
;; externref: export poke 1
(module
  (import "externref" "guard" (func $guard))
  (import "env" "touch" (func $touch (param i32)))
  (import "externref" "get" (func $get (param i32) (result i32)))
  (import "externref" "insert" (func $insert (param i32) (result i32)))
  (import "externref" "drop" (func $drop (param i32)))
  (func (export "poke") (param $r i32)
    local.get $r
    call $insert
    local.set $r
    call $guard
    local.get $r
    i32.const 1
    i32.and
    if (result i32)
      local.get $r
      call $get
    else
      i32.const 0
    end
    call $touch
    local.get $r
    call $drop))
