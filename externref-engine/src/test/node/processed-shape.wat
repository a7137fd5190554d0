;; A hand-written stand-in for upstream-e2e.wasm AFTER processing, to test the processed mode of
;; upstream-e2e-host.mjs before a processor exists. Same interface as a processed fixture with
;; the drop hook hooks.drop: real externref at the marked positions, the slot table exported as
;; "externrefs", insert/get/drop over it (a drop hook call just before the slot is cleared).
;; Same observable behaviour as the fixture's three exports: the same inspect_refs, send_message,
;; message_len and drop calls in the same order (test_export drops m1, then m3 and m2, then s).
;; It is not the processor's output and says nothing about its layout.
(module
  (import "test" "inspect_refs" (func $inspect))
  (import "test" "send_message" (func $send (param externref i32 i32) (result externref)))
  (import "test" "message_len" (func $len (param externref) (result i32)))
  (import "hooks" "drop" (func $hook (param externref)))

  (memory (export "memory") 1)
  ;; "test" at 16, "42" at 20, "some other string" at 22
  (data (i32.const 16) "test42some other string")
  (table $refs (export "externrefs") 0 externref)

  ;; The first free slot, or a new one.
  (func $insert (param $r externref) (result i32) (local $i i32)
    (if (ref.is_null (local.get $r)) (then (return (i32.const -1))))
    (block $full
      (loop $scan
        (br_if $full (i32.ge_u (local.get $i) (table.size $refs)))
        (if (ref.is_null (table.get $refs (local.get $i)))
          (then
            (table.set $refs (local.get $i) (local.get $r))
            (return (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (table.grow $refs (local.get $r) (i32.const 1)))

  (func $get (param $i i32) (result externref)
    (if (result externref) (i32.eq (local.get $i) (i32.const -1))
      (then (ref.null extern))
      (else (table.get $refs (local.get $i)))))

  (func $drop (param $i i32) (local $r externref)
    (local.set $r (table.get $refs (local.get $i)))
    (if (ref.is_null (local.get $r)) (then (return)))
    (call $hook (local.get $r))
    (table.set $refs (local.get $i) (ref.null extern)))

  (func $send_message (param $sender i32) (param $ptr i32) (param $len i32) (result i32)
    (call $insert (call $send (call $get (local.get $sender)) (local.get $ptr) (local.get $len))))

  (func $test_export (export "test_export") (param $sender externref)
    (local $s i32) (local $m1 i32) (local $m2 i32) (local $m3 i32)
    (local.set $s (call $insert (local.get $sender)))
    (if (i32.eq (local.get $s) (i32.const -1)) (then unreachable))
    (call $inspect)
    (local.set $m1 (call $send_message (local.get $s) (i32.const 16) (i32.const 4)))
    (call $inspect)
    (local.set $m2 (call $send_message (local.get $s) (i32.const 20) (i32.const 2)))
    (call $inspect)
    (local.set $m3 (call $send_message (local.get $s) (i32.const 22) (i32.const 17)))
    (call $inspect)
    (call $drop (local.get $m1))
    (call $inspect)
    (call $drop (local.get $m3))
    (call $drop (local.get $m2))
    (call $inspect)
    (call $drop (local.get $s)))

  (func (export "test_export_with_casts") (param $sender externref)
    (call $test_export (local.get $sender)))

  (func (export "test_nulls") (param $sender externref) (local $s i32) (local $m i32)
    (local.set $s (call $insert (local.get $sender)))
    (if (i32.ne (local.get $s) (i32.const -1))
      (then
        (local.set $m (call $send_message (local.get $s) (i32.const 16) (i32.const 4)))
        (if (i32.ne (call $len (call $get (local.get $m))) (i32.const 4)) (then unreachable))
        (call $drop (local.get $m))))
    (if (i32.ne (call $len (ref.null extern)) (i32.const 0)) (then unreachable))
    (if (i32.ne (local.get $s) (i32.const -1)) (then (call $drop (local.get $s))))))
