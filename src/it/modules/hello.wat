;; The hello guest as the Rust compiler leaves it (externref surrogate ABI, see ABI.md): every
;; reference is an i32 slot index, the import wrappers start with externref.guard, the exports
;; put their reference parameters into slots with externref.insert.
;; Interface of examples/hello-externref: host.new_greeting(ptr, len) -> ref,
;; host.greet(person: ref, greeting: ref), host.name_len(person: ref) -> i32;
;; exports welcome(person: ref) -> ref and welcome_all(a: ref, b: ref) -> i32.
;;
;; externref: import host.new_greeting 001
;; externref: import host.greet 11
;; externref: import host.name_len 10
;; externref: export welcome 11
;; externref: export welcome_all 110
(module
  (import "host" "new_greeting" (func $new_greeting (param i32 i32) (result i32)))
  (import "externref" "insert" (func $insert (param i32) (result i32)))
  (import "host" "greet" (func $greet (param i32 i32)))
  (import "externref" "get" (func $get (param i32) (result i32)))
  (import "host" "name_len" (func $name_len (param i32) (result i32)))
  (import "externref" "drop" (func $drop (param i32)))
  (import "externref" "guard" (func $guard))
  (memory (export "memory") 1)
  (data (i32.const 1024) "HelloHi")

  ;; Import wrappers, as the crate's macro generates them: guard first.
  (func $new_greeting_wrapper (param $ptr i32) (param $len i32) (result i32)
    call $guard
    local.get $ptr
    local.get $len
    call $new_greeting
    call $insert)
  (func $greet_wrapper (param $person i32) (param $greeting i32)
    call $guard
    local.get $person
    call $get
    local.get $greeting
    call $get
    call $greet)
  (func $name_len_wrapper (param $person i32) (result i32)
    call $guard
    local.get $person
    call $get
    call $name_len)

  ;; Guest logic on slot indices: "Hi" for short names, else "Hello"; returns the greeting's slot.
  (func $welcome_slot (param $person i32) (result i32)
    (local $greeting i32)
    local.get $person
    call $name_len_wrapper
    i32.const 4
    i32.lt_s
    if (result i32)
      i32.const 1029
      i32.const 2
      call $new_greeting_wrapper
    else
      i32.const 1024
      i32.const 5
      call $new_greeting_wrapper
    end
    local.set $greeting
    local.get $person
    local.get $greeting
    call $greet_wrapper
    local.get $greeting)

  (func (export "welcome") (param $person i32) (result i32)
    (local $greeting i32) (local $result i32)
    local.get $person
    call $insert
    local.tee $person
    call $welcome_slot
    local.set $greeting
    ;; Hand the greeting to the host: take the reference out of its slot, release the slot.
    local.get $greeting
    call $get
    local.set $result
    local.get $greeting
    call $drop
    local.get $person
    call $drop
    local.get $result)

  (func (export "welcome_all") (param $a i32) (param $b i32) (result i32)
    local.get $a
    call $insert
    local.set $a
    local.get $b
    call $insert
    local.set $b
    local.get $a
    call $welcome_slot
    call $drop
    local.get $b
    call $welcome_slot
    call $drop
    local.get $a
    call $name_len_wrapper
    local.get $b
    call $name_len_wrapper
    i32.add
    local.get $a
    call $drop
    local.get $b
    call $drop))
