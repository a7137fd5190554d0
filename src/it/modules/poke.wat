;; A second small guest in surrogate form: export poke(r: ref) hands r to host env.touch(r: ref).
;;
;; externref: import env.touch 1
;; externref: export poke 1
(module
  (import "externref" "guard" (func $guard))
  (import "env" "touch" (func $touch (param i32)))
  (import "externref" "get" (func $get (param i32) (result i32)))
  (import "externref" "insert" (func $insert (param i32) (result i32)))
  (import "externref" "drop" (func $drop (param i32)))
  (func $touch_wrapper (param $r i32)
    call $guard
    local.get $r
    call $get
    call $touch)
  (func (export "poke") (param $r i32)
    local.get $r
    call $insert
    local.tee $r
    call $touch_wrapper
    local.get $r
    call $drop))
