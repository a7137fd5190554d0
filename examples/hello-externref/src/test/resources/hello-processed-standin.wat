;; A stand-in for target/wasm/hello.wasm AFTER externref processing, written by hand so the
;; host can be tested before the Rust guest (src/main/wasm/hello.wasm) exists: the same
;; imports and exports with real externrefs, the same behaviour, no slot table inside.
(module
  (import "host" "new_greeting" (func $new_greeting (param i32 i32) (result externref)))
  (import "host" "greet" (func $greet (param externref externref)))
  (import "host" "name_len" (func $name_len (param externref) (result i32)))
  (import "host" "released" (func $released (param externref)))
  (table (export "externrefs") 0 externref)
  (memory (export "memory") 1)
  (data (i32.const 1024) "HelloHi")

  ;; "Hi" for names shorter than 4, else "Hello"; greets; returns the greeting.
  (func $welcome_one (param $person externref) (result externref)
    (local $greeting externref)
    local.get $person
    call $name_len
    i32.const 4
    i32.lt_s
    if (result externref)
      i32.const 1029
      i32.const 2
      call $new_greeting
    else
      i32.const 1024
      i32.const 5
      call $new_greeting
    end
    local.set $greeting
    local.get $person
    local.get $greeting
    call $greet
    local.get $greeting)

  (func (export "welcome") (param $person externref) (result externref)
    (local $greeting externref)
    local.get $person
    call $welcome_one
    local.tee $greeting
    call $released
    local.get $person
    call $released
    local.get $greeting)

  (func (export "welcome_all") (param $a externref) (param $b externref) (result i32)
    local.get $a
    call $welcome_one
    call $released
    local.get $b
    call $welcome_one
    call $released
    local.get $a
    call $name_len
    local.get $b
    call $name_len
    i32.add
    local.get $a
    call $released
    local.get $b
    call $released))
