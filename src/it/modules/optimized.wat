;; poke.wat as an optimizer (wasm-opt -Os) leaves it: the import wrapper is inlined into the
;; export, so the externref.guard call is no longer the first instruction of a function.
;; Processing must fail and say why. (Stand-in until fixtures/modules/release-wasm-opt-Os.wasm.)
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
    local.tee $r
    call $guard
    call $get
    call $touch
    local.get $r
    call $drop))
