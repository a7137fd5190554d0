package dev.externref.engine.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.wabt.Wat2Wasm;
import dev.externref.engine.DropFunction;
import dev.externref.engine.testing.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two hosts of the end-to-end suite ({@code fixtures/rust-guest/host.mjs} and
 * {@link GuestHost}) checked on a hand-written module with the processed hello-externref
 * interface: the correct module passes both, and each deliberate bug in its slot glue or its
 * exports is caught by both, with the same diagnosis. Without this, a host that checks nothing
 * would pass every real module too.
 */
class GuestHostTest {
    private static final DropFunction HOOK = DropFunction.parse("host::dropped");

    /** The hello guest after processing, written by hand: lowest-free-slot glue, the drop hook before clearing. */
    private static final String HELLO = """
            (module
              (import "host" "new_greeting" (func $new_greeting (param i32 i32) (result externref)))
              (import "host" "greet" (func $greet (param externref externref)))
              (import "host" "name_len" (func $name_len (param externref) (result i32)))
              (import "host" "dropped" (func $hook (param externref)))
              (memory (export "memory") 1)
              (data (i32.const 16) "HiHello")
              (table $refs (export "externrefs") 0 externref)
              (global $g (mut i32) (i32.const -1))
              (func $insert (param $r externref) (result i32) (local $i i32)
                (if (ref.is_null (local.get $r)) (then (return (i32.const -1))))
                (block $full
                  (loop $scan
                    (br_if $full (i32.ge_u (local.get $i) (table.size $refs)))
                    (if (ref.is_null (table.get $refs (local.get $i)))
                      (then (table.set $refs (local.get $i) (local.get $r)) (return (local.get $i))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $scan)))
                (drop (table.grow $refs (local.get $r) (i32.const 1)))
                (local.get $i))
              (func $get (param $i i32) (result externref)
                (if (result externref) (i32.eq (local.get $i) (i32.const -1))
                  (then (ref.null extern))
                  (else (table.get $refs (local.get $i)))))
              (func $drop (param $i i32) (local $r externref)
                (local.set $r (table.get $refs (local.get $i)))
                (call $hook (local.get $r))
                (table.set $refs (local.get $i) (ref.null extern)))
              (func $non_null (param $r externref) (result i32)
                (if (ref.is_null (local.get $r)) (then unreachable))
                (call $insert (local.get $r)))
              ;; name_len(p), new_greeting, greet(p, greeting); the greeting's slot in $g; returns the length
              (func $welcome_one (param $p i32) (result i32) (local $n i32)
                (local.set $n (call $name_len (call $get (local.get $p))))
                (global.set $g (call $insert
                  (if (result externref) (i32.lt_u (local.get $n) (i32.const 4))
                    (then (call $new_greeting (i32.const 16) (i32.const 2)))
                    (else (call $new_greeting (i32.const 18) (i32.const 5))))))
                (call $greet (call $get (local.get $p)) (call $get (global.get $g)))
                (local.get $n))
              (func (export "welcome") (param $person externref) (result externref) (local $p i32) (local $out externref)
                (local.set $p (call $non_null (local.get $person)))
                (drop (call $welcome_one (local.get $p)))
                (local.set $out (call $get (global.get $g)))
                (call $drop (global.get $g))
                (call $drop (local.get $p))
                (local.get $out))
              (func (export "welcome_all") (param $a externref) (param $b externref) (result i32)
                (local $pa i32) (local $pb i32) (local $n i32)
                (local.set $pa (call $non_null (local.get $a)))
                (local.set $pb (call $non_null (local.get $b)))
                (local.set $n (call $welcome_one (local.get $pa)))
                (call $drop (global.get $g))
                (local.set $n (i32.add (local.get $n) (call $welcome_one (local.get $pb))))
                (call $drop (global.get $g))
                (call $drop (local.get $pb))
                (call $drop (local.get $pa))
                (local.get $n)))
            """;

    private static final String HOOK_CALL = "(call $hook (local.get $r))\n";
    private static final String CLEAR = "(table.set $refs (local.get $i) (ref.null extern)))";

    @TempDir
    Path dir;

    private static String bug(String name) {
        String wat = switch (name) {
            case "none" -> HELLO;
            case "leak" -> HELLO.replace(CLEAR, ")");
            case "no-hook" -> HELLO.replace(HOOK_CALL, "");
            case "hook-after-clear" -> HELLO.replace(HOOK_CALL + "    " + CLEAR, CLEAR.replace("))", ")") + "\n" + HOOK_CALL.strip() + ")");
            case "null-to-hook" -> HELLO.replace(HOOK_CALL, "(call $hook (ref.null extern))\n");
            case "hook-twice" -> HELLO.replace(HOOK_CALL, HOOK_CALL + "    " + HOOK_CALL);
            case "wrong-result" -> HELLO.replace("(local.set $out (call $get (global.get $g)))", "(local.set $out (call $get (local.get $p)))");
            case "wrong-argument" -> HELLO.replace("(call $greet (call $get (local.get $p)) (call $get (global.get $g)))",
                    "(call $greet (call $get (global.get $g)) (call $get (local.get $p)))");
            case "get-null" -> HELLO.replace("(then (ref.null extern))\n      (else (table.get $refs (local.get $i)))",
                    "(then (ref.null extern))\n      (else (ref.null extern))");
            default -> throw new IllegalArgumentException(name);
        };
        if (!name.equals("none") && wat.equals(HELLO)) {
            throw new IllegalStateException("bug " + name + " changed nothing");
        }
        return wat;
    }

    private Path assemble(String wat) throws Exception {
        return Files.write(dir.resolve("hello-shape.wasm"), Wat2Wasm.parse(wat));
    }

    private static Node.Result node(Path module, String... options) {
        List<String> args = new ArrayList<>(List.of(module.toString()));
        args.addAll(List.of(options));
        return Node.run(GuestModules.script("host.mjs"), args.toArray(String[]::new));
    }

    private static GuestScenario.Outcome chicory(byte[] module, DropFunction hook, String table) {
        return GuestScenario.runAll(() -> GuestHost.start(module, GuestInterface.HELLO, hook, table));
    }

    @Test
    void theCorrectModulePassesBothHosts() throws Exception {
        Path module = assemble(HELLO);
        Node.Result r = node(module, "--drop-fn", "host::dropped");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("PASS hello-shape.wasm (hello), 3 instances: hello: 3 steps, 8 drops");
        GuestScenario.Outcome outcome = chicory(Files.readAllBytes(module), HOOK, "externrefs");
        assertThat(outcome.main().drops()).isEqualTo(8);
        assertThat(outcome.steps()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "leak             | 1 welcome(Ann): drop hook was called with Hi#0 (then in 1 slot(s)), but afterwards it is in 1 slot(s): the slot was not cleared",
        "no-hook          | 1 welcome(Ann): host event #3 is (none), expected drop(Hi#0)",
        "hook-after-clear | 1 welcome(Ann): drop hook called with Hi#0, which is not in the table",
        "null-to-hook     | 1 welcome(Ann): drop hook called with null",
        "hook-twice       | 1 welcome(Ann): drop hook was called with Hi#0 (then in 1 slot(s)), but afterwards it is in 1 slot(s): the slot was not cleared",
        "wrong-result     | 1 welcome(Ann): welcome(Ann) result: got Ann, expected Hi#0",
        "wrong-argument   | 1 welcome(Ann): host event #2 is greet(Hi#0, Ann) prints \"Ann, Hi!\", expected greet(Ann, Hi#0) prints \"Hi, Ann!\"",
        "get-null         | 1 welcome(Ann): name_len(null)",
    })
    void eachBugIsCaughtByBothHosts(String bug, String message) throws Exception {
        Path module = assemble(bug(bug));
        Node.Result r = node(module, "--drop-fn", "host::dropped");
        assertThat(r.exitCode()).as(r.describe()).isEqualTo(1);
        assertThat(r.stderr()).as(r.describe()).contains(message);
        assertThatThrownBy(() -> chicory(Files.readAllBytes(module), HOOK, "externrefs"))
                .isInstanceOf(GuestMismatch.class)
                .hasMessageContaining(message);
    }

    @Test
    void withoutAHookOnlyTheTableIsCheckedAndALeakIsStillCaught() throws Exception {
        String noHook = HELLO.replace("  (import \"host\" \"dropped\" (func $hook (param externref)))\n", "").replace(HOOK_CALL, "");
        Path module = assemble(noHook);
        Node.Result r = node(module);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).contains("drops not observable");
        assertThat(chicory(Files.readAllBytes(module), null, "externrefs").main().drops()).isEqualTo(-1);

        Path leaking = assemble(noHook.replace(CLEAR, ")"));
        Node.Result leak = node(leaking);
        assertThat(leak.exitCode()).as(leak.describe()).isEqualTo(1);
        assertThat(leak.stderr()).contains("1 welcome(Ann): after the call the table holds [Ann, Hi#0], expected []");
        assertThatThrownBy(() -> chicory(Files.readAllBytes(leaking), null, "externrefs"))
                .hasMessageContaining("1 welcome(Ann): after the call the table holds [Ann, Hi#0], expected []");
    }

    @Test
    void interfaceMismatchesAreNamed() throws Exception {
        Path module = assemble(HELLO);
        Node.Result otherHook = node(module, "--drop-fn", "host::gone");
        assertThat(otherHook.exitCode()).as(otherHook.describe()).isEqualTo(1);
        assertThat(otherHook.stderr()).contains("unexpected import host.dropped: externref->",
                "the drop hook host.gone is not imported");
        assertThatThrownBy(() -> GuestHost.start(Files.readAllBytes(module), GuestInterface.HELLO,
                DropFunction.parse("host::gone"), "externrefs"))
                .hasMessageContaining("unexpected import host.dropped: externref->")
                .hasMessageContaining("the drop hook host.gone is not imported");

        Path i32Result = assemble(HELLO.replace("(param $b externref) (result i32)", "(param $b i32) (result i32)")
                .replace("(call $non_null (local.get $b))", "(local.get $b)"));
        Node.Result wrongType = node(i32Result, "--drop-fn", "host::dropped");
        assertThat(wrongType.stderr()).contains("export welcome_all has type externref,i32->i32, expected externref,externref->i32");
        assertThatThrownBy(() -> GuestHost.start(Files.readAllBytes(i32Result), GuestInterface.HELLO, HOOK, "externrefs"))
                .hasMessageContaining("export welcome_all has type externref,i32->i32, expected externref,externref->i32");

        Node.Result noTable = node(module, "--drop-fn", "host::dropped", "--table", "refs");
        assertThat(noTable.exitCode()).isEqualTo(2);
        assertThat(noTable.stderr()).contains("module has no table export 'refs'");
    }
}
