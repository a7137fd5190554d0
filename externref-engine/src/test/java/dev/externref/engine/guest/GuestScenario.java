package dev.externref.engine.guest;

import com.dylibso.chicory.runtime.TrapException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The scenarios of {@code fixtures/rust-guest/SCENARIO.md} and
 * {@code examples/hello-externref/guest/README.md}, run on a {@link GuestHost}: the Java twin of
 * {@code fixtures/rust-guest/scenario.mjs} (same steps, titles, event formats and checks, so
 * that the event logs of the two hosts can be compared line by line).
 *
 * <p>Each step: the host events must be exactly the expected list (without the drops when the
 * host cannot see them), the result as stated, and afterwards the table must hold exactly the
 * module's persistent references (SCENARIO.md's G: the stash and the pinned object).
 */
final class GuestScenario {
    /** The events of one step, in order. */
    record Step(String title, List<String> events) {
    }

    /** One instance's run: its name, steps, drops seen (-1 without a hook) and final table size. */
    record Run(String name, int steps, int drops, int tableSize) {
    }

    /** All runs of a module's scenario: the event log of every step, in order, and each instance's run. */
    record Outcome(List<Step> log, List<Run> runs) {
        int steps() {
            return runs.stream().mapToInt(Run::steps).sum();
        }

        /** The first run: the scenario of SCENARIO.md (or of the hello README) itself. */
        Run main() {
            return runs.get(0);
        }
    }

    private final GuestHost host;
    private final List<String> persistent = new ArrayList<>();
    private final List<Step> log = new ArrayList<>();
    private int steps;

    private GuestScenario(GuestHost host) {
        this.host = host;
    }

    /**
     * Runs the scenario on one instance, then its further runs, each on a fresh instance (as
     * scenario.mjs: main: many live references, so that the table must grow, and null for the
     * non-nullable parameters; hello: null persons). A mismatch is a {@link GuestMismatch}.
     */
    static Outcome runAll(Supplier<GuestHost> fresh) {
        List<Step> log = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        GuestHost first = fresh.get();
        Map<String, Consumer<GuestScenario>> all = new LinkedHashMap<>();
        if (first.iface() == GuestInterface.HELLO) {
            all.put("hello", GuestScenario::hello);
            all.put("welcome(null)", s -> s.trapStep("p1 welcome(null)", () -> s.host.call("welcome", (Object) null), List.of()));
            all.put("welcome_all(Ann, null)", s -> s.trapStep("p2 welcome_all(Ann, null)",
                    () -> s.host.call("welcome_all", s.host.given("Ann"), null), List.of()));
        } else {
            all.put("main", GuestScenario::main);
            all.put("growth", GuestScenario::growth);
            all.put("stash(null)", s -> s.panics("p1 stash(null)", () -> s.host.call("stash", (Object) null)));
            all.put("pin_copy(null)", s -> s.panics("p2 pin_copy(null)", () -> s.host.call("pin_copy", (Object) null)));
            all.put("combine_all(alpha, null, gamma)", s -> s.panics("p3 combine_all(alpha, null, gamma)",
                    () -> s.host.call("combine_all", s.host.given("alpha"), null, s.host.given("gamma"))));
        }
        boolean firstRun = true;
        for (Map.Entry<String, Consumer<GuestScenario>> run : all.entrySet()) {
            GuestScenario s = new GuestScenario(firstRun ? first : fresh.get());
            try {
                run.getValue().accept(s);
                s.host.checkNoOutput();
            } catch (GuestMismatch e) {
                throw firstRun ? e : new GuestMismatch("fresh instance, " + run.getKey() + ": " + e.getMessage(), e);
            } finally {
                log.addAll(s.log);
                runs.add(new Run(run.getKey(), s.steps, s.host.drops(), s.host.tableSize()));
            }
            firstRun = false;
        }
        return new Outcome(List.copyOf(log), List.copyOf(runs));
    }

    /** {@code check_live(<cp>) [<labels, sorted>]}. */
    static String live(int checkpoint, List<String> labels) {
        return "check_live(" + checkpoint + ") [" + labels.stream().sorted().collect(Collectors.joining(", ")) + "]";
    }

    private static List<String> events(Object... parts) {
        List<String> out = new ArrayList<>();
        for (Object p : parts) {
            if (p instanceof List<?> list) {
                list.forEach(e -> out.add((String) e));
            } else {
                out.add((String) p);
            }
        }
        return out;
    }

    private static String show(Object o) {
        return o instanceof HostObject h ? h.label() : String.valueOf(o);
    }

    private static Consumer<Object> returns(String what, Object want) {
        return got -> {
            boolean same = want instanceof HostObject || want == null ? got == want : Objects.equals(got, want);
            if (!same) {
                throw new GuestMismatch(what + ": got " + show(got) + ", expected " + show(want));
            }
        };
    }

    private static Consumer<Object> returnsLabel(String what, String label) {
        return got -> {
            if (!(got instanceof HostObject h) || !h.label().equals(label)) {
                throw new GuestMismatch(what + ": got " + show(got) + ", expected " + label);
            }
        };
    }

    /** A mismatch found inside a host function, however the runtime wrapped it. */
    private static GuestMismatch mismatchIn(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof GuestMismatch m) {
                return m;
            }
        }
        return null;
    }

    private Object step(String title, Supplier<Object> call, List<String> expectedEvents, Consumer<Object> check) {
        host.events = new ArrayList<>();
        Object result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            GuestMismatch m = mismatchIn(e);
            throw m != null ? new GuestMismatch(title + ": " + m.getMessage(), m) : new GuestMismatch(title + ": trapped: " + e, e);
        }
        List<String> got = host.events;
        log.add(new Step(title, List.copyOf(got)));
        List<String> expected = expectedEvents.stream()
                .filter(e -> host.observesDrops() || !e.startsWith("drop("))
                .toList();
        for (int i = 0; i < Math.max(got.size(), expected.size()); i++) {
            String g = i < got.size() ? got.get(i) : "(none)";
            String w = i < expected.size() ? expected.get(i) : "(none)";
            if (!g.equals(w)) {
                throw new GuestMismatch(title + ": host event #" + i + " is " + g + ", expected " + w
                        + "\n  got:      " + String.join("; ", got) + "\n  expected: " + String.join("; ", expected));
            }
        }
        try {
            check.accept(result);
        } catch (GuestMismatch e) {
            throw new GuestMismatch(title + ": " + e.getMessage(), e);
        }
        List<String> after = host.live();
        List<String> want = persistent.stream().sorted().toList();
        if (!after.equals(want)) {
            throw new GuestMismatch(title + ": after the call the table holds " + after + ", expected " + want);
        }
        host.checkRegistry(title);
        steps++;
        return result;
    }

    private void trapStep(String title, Runnable call, List<String> expectedEvents) {
        host.events = new ArrayList<>();
        try {
            call.run();
        } catch (TrapException | run.endive.runtime.TrapException e) {
            if (mismatchIn(e) != null) {
                throw new GuestMismatch(title + ": " + mismatchIn(e).getMessage(), mismatchIn(e));
            }
            log.add(new Step(title, List.copyOf(host.events)));
            List<String> expected = expectedEvents.stream()
                    .filter(ev -> host.observesDrops() || !ev.startsWith("drop("))
                    .toList();
            if (!host.events.equals(expected)) {
                throw new GuestMismatch(title + ": events " + host.events + ", expected " + expected);
            }
            steps++;
            return;
        } catch (RuntimeException e) {
            GuestMismatch m = mismatchIn(e);
            throw m != null ? new GuestMismatch(title + ": " + m.getMessage(), m) : new GuestMismatch(title + ": expected a trap, got " + e, e);
        }
        throw new GuestMismatch(title + ": returned normally, expected a trap");
    }

    // ----- the main guest (SCENARIO.md) ------------------------------------------------------

    private void main() {
        HostObject a = host.given("alpha");
        HostObject b = host.given("beta");
        HostObject c = host.given("gamma");
        HostObject s1 = host.given("even");
        HostObject s2 = host.given("odd");
        HostObject s3 = host.given("eleven");
        HostObject s4 = host.given("three");
        HostObject p = host.given("pinned");

        step("1 roundtrip(alpha)", () -> host.call("roundtrip", a),
                events("observe(alpha)", live(1, List.of("alpha")), "drop(alpha)"), returns("roundtrip result", a));

        List<String> items = IntStream.range(0, 5).mapToObj(i -> "item-" + i + "#0").toList();
        step("2 build_list(5)", () -> host.call("build_list", 5), events(
                IntStream.range(0, 5).mapToObj(i -> "new_object(item-" + i + ") -> " + items.get(i)).toList(),
                "observe(item-0#0)", "object_tag_len(item-1#0)", "observe(item-2#0)", "object_tag_len(item-3#0)",
                "observe(item-4#0)",
                live(2, items),
                "combine(item-0#0, item-4#0) -> item-0+item-4#0",
                "observe(item-0+item-4#0)",
                live(3, events(items, "item-0+item-4#0")),
                "drop(item-0+item-4#0)",
                items.stream().map(l -> "drop(" + l + ")").toList()), returns("build_list(5)", 47));

        step("3 build_list(1)", () -> host.call("build_list", 1),
                events("new_object(item-0) -> item-0#1", "observe(item-0#1)", live(2, List.of("item-0#1")), "drop(item-0#1)"),
                returns("build_list(1)", 7));

        step("4 build_list(0)", () -> host.call("build_list", 0), events(live(2, List.of())), returns("build_list(0)", 0));

        step("5 combine_all(alpha, beta, gamma)", () -> host.call("combine_all", a, b, c), events(
                "combine(alpha, beta) -> alpha+beta#0",
                "combine(alpha+beta#0, gamma) -> alpha+beta+gamma#0",
                "object_tag_len(alpha+beta+gamma#0)",
                live(6, List.of("alpha", "beta", "gamma", "alpha+beta#0", "alpha+beta+gamma#0")),
                "drop(alpha+beta#0)", "drop(alpha+beta+gamma#0)", "drop(gamma)", "drop(beta)", "drop(alpha)"),
                returnsLabel("combine_all result", "alpha+beta+gamma#0"));

        step("6 nullable(alpha, 1)", () -> host.call("nullable", a, 1),
                events("observe(alpha)", "pick(1, alpha, null) -> alpha", live(5, List.of("alpha", "alpha")),
                        "drop(alpha)", "drop(alpha)"),
                returns("nullable(alpha, 1)", a));
        step("7 nullable(alpha, 0)", () -> host.call("nullable", a, 0),
                events("observe(alpha)", "pick(0, alpha, null) -> null", live(5, List.of("alpha")), "drop(alpha)"),
                returns("nullable(alpha, 0)", null));
        step("8 nullable(null, 1)", () -> host.call("nullable", null, 1),
                events("observe(null)", "pick(1, null, null) -> null", live(5, List.of())),
                returns("nullable(null, 1)", null));

        Map<HostObject, Integer> keys = new LinkedHashMap<>();
        for (HostObject o : List.of(s1, s2, s3, s4)) {
            persistent.add(o.label());
            Object k = step("9 stash(" + o.tag() + ")", () -> host.call("stash", o), List.of(), got -> {
                if (!(got instanceof Integer i) || i < 0) {
                    throw new GuestMismatch("stash(" + o.tag() + ") returned " + got);
                }
            });
            keys.put(o, (Integer) k);
        }
        if (keys.values().stream().distinct().count() != 4) {
            throw new GuestMismatch("stash keys not distinct: " + keys);
        }
        int k1 = keys.get(s1);
        int k2 = keys.get(s2);
        int k3 = keys.get(s3);

        step("10 stash_observe(k1)", () -> host.call("stash_observe", k1), events("observe(even)"), returns("stash_observe(k1)", 5));
        step("10 stash_observe(k3)", () -> host.call("stash_observe", k3), events("observe(eleven)"), returns("stash_observe(k3)", 7));
        int absent = keys.values().stream().max(Integer::compare).orElseThrow() + 1000;
        step("11 stash_observe(absent)", () -> host.call("stash_observe", absent), events("observe(null)"),
                returns("stash_observe(absent)", 0));

        persistent.add(p.label());
        step("12 pin_copy(pinned)", () -> host.call("pin_copy", p), events("observe(pinned)", "observe(pinned)"),
                returns("pin_copy", 14));

        List<String> sweep = new ArrayList<>();
        keys.entrySet().stream().sorted(Comparator.comparing(Map.Entry::getValue)).forEach(e -> {
            sweep.add("object_tag_len(" + e.getKey() + ")");
            if (e.getKey().tagLength() % 2 == 1) {
                sweep.add("drop(" + e.getKey() + ")");
            }
        });
        persistent.removeAll(List.of("odd", "three"));
        step("13 stash_sweep()", () -> host.call("stash_sweep"),
                events(sweep, live(4, List.of("even", "eleven", "pinned"))), returns("stash_sweep", 2));

        step("14 unstash(k2)", () -> host.call("unstash", k2), List.of(), returns("unstash(k2)", null));
        persistent.remove("even");
        step("14 unstash(k1)", () -> host.call("unstash", k1), events("drop(even)"), returns("unstash(k1)", s1));
        step("15 stash_observe(k1)", () -> host.call("stash_observe", k1), events("observe(null)"),
                returns("stash_observe(k1) after unstash", 0));

        List<String> churn = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            churn.add("new_object(churn) -> churn#" + i);
            churn.add("object_tag_len(churn#" + i + ")");
            if (i == 50) {
                churn.add(live(7, List.of("churn#" + i, "eleven", "pinned")));
            }
            churn.add("drop(churn#" + i + ")");
        }
        churn.add("log(churn done)");
        step("16 churn(100)", () -> host.call("churn", 100), churn, returns("churn(100)", 500));

        step("17 observe_pinned()", () -> host.call("observe_pinned"), events("observe(pinned)"), returns("observe_pinned", 7));

        step("18 roundtrip(alpha)", () -> host.call("roundtrip", a),
                events("observe(alpha)", live(1, List.of("alpha", "eleven", "pinned")), "drop(alpha)"),
                returns("second roundtrip result", a));

        List<String> end = host.live();
        if (!end.equals(List.of("eleven", "pinned"))) {
            throw new GuestMismatch("19 live references at the end: " + end + ", expected [eleven, pinned]");
        }
        if (host.observesDrops() && host.drops() != 120) {
            throw new GuestMismatch("19 " + host.drops() + " drops in total, expected 120");
        }

        trapStep("20 roundtrip(null)", () -> host.call("roundtrip", (Object) null), List.of("log(guest panicked)"));
    }

    /** build_list(n)'s events on an instance where {@code gen} earlier build_lists made item objects (SCENARIO.md). */
    private static List<String> buildListEvents(int n, int gen, List<String> persistent) {
        List<String> items = IntStream.range(0, n).mapToObj(i -> "item-" + i + "#" + gen).toList();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("new_object(item-" + i + ") -> " + items.get(i));
        }
        for (int i = 0; i < n; i++) {
            out.add((i % 2 == 0 ? "observe(" : "object_tag_len(") + items.get(i) + ")");
        }
        out.add(live(2, events(items, persistent)));
        if (n >= 2) {
            String e = "item-0+item-" + (n - 1) + "#" + gen;
            out.add("combine(" + items.get(0) + ", " + items.get(n - 1) + ") -> " + e);
            out.add("observe(" + e + ")");
            out.add(live(3, events(items, e, persistent)));
            out.add("drop(" + e + ")");
        }
        items.forEach(l -> out.add("drop(" + l + ")"));
        return out;
    }

    /** build_list(n)'s result: the sum of its observe and object_tag_len results. */
    private static int buildListSum(int n) {
        int sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ("item-" + i).length() + (i % 2 == 0 ? 1 : 0);
        }
        return n >= 2 ? sum + ("item-0+item-" + (n - 1)).length() + 1 : sum;
    }

    /**
     * More references than the main scenario ever holds (it peaks at 7, so the table never needs
     * to grow), by the same export specifications: 40 stashed objects {@code s0..s39}, then
     * build_list(1000) with those still live, stash_sweep (drops the 30 with odd tag lengths),
     * and unstash of the 10 survivors.
     */
    private void growth() {
        List<HostObject> stashed = IntStream.range(0, 40).mapToObj(i -> host.given("s" + i)).toList();
        Map<HostObject, Integer> keys = new LinkedHashMap<>();
        for (HostObject o : stashed) {
            persistent.add(o.label());
            keys.put(o, (Integer) step("g1 stash(" + o.tag() + ")", () -> host.call("stash", o), List.of(), got -> {
                if (!(got instanceof Integer i) || i < 0) {
                    throw new GuestMismatch("stash(" + o.tag() + ") returned " + got);
                }
            }));
        }
        if (keys.values().stream().distinct().count() != stashed.size()) {
            throw new GuestMismatch("stash keys not distinct: " + keys.values());
        }
        step("g2 build_list(1000)", () -> host.call("build_list", 1000), buildListEvents(1000, 0, List.copyOf(persistent)),
                returns("build_list(1000)", buildListSum(1000)));
        List<HostObject> odd = stashed.stream().filter(o -> o.tagLength() % 2 == 1).toList();
        odd.forEach(o -> persistent.remove(o.label()));
        List<String> sweep = new ArrayList<>();
        keys.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
            sweep.add("object_tag_len(" + e.getKey() + ")");
            if (e.getKey().tagLength() % 2 == 1) {
                sweep.add("drop(" + e.getKey() + ")");
            }
        });
        sweep.add(live(4, persistent));
        step("g3 stash_sweep()", () -> host.call("stash_sweep"), sweep, returns("stash_sweep", odd.size()));
        for (HostObject o : stashed) {
            if (o.tagLength() % 2 == 0) {
                persistent.remove(o.label());
                step("g4 unstash(" + o.tag() + ")", () -> host.call("unstash", keys.get(o)), events("drop(" + o + ")"),
                        returns("unstash(" + o.tag() + ")", o));
            }
        }
        if (host.observesDrops() && host.drops() != 1000 + 1 + 40) {
            throw new GuestMismatch("g5 " + host.drops() + " drops in total, expected 1041");
        }
    }

    /** A null for a non-nullable reference parameter: {@code log(guest panicked)}, then a trap. */
    private void panics(String title, Runnable call) {
        trapStep(title, call, List.of("log(guest panicked)"));
    }

    // ----- the hello-externref example (examples/hello-externref/guest/README.md) -------------

    private void hello() {
        HostObject ann = host.given("Ann");
        HostObject alice = host.given("Alice");
        step("1 welcome(Ann)", () -> host.call("welcome", ann), events(
                "name_len(Ann)", "new_greeting(Hi) -> Hi#0", "greet(Ann, Hi#0) prints \"Hi, Ann!\"", "drop(Hi#0)", "drop(Ann)"),
                returnsLabel("welcome(Ann) result", "Hi#0"));
        step("2 welcome(Alice)", () -> host.call("welcome", alice), events(
                "name_len(Alice)", "new_greeting(Hello) -> Hello#0", "greet(Alice, Hello#0) prints \"Hello, Alice!\"",
                "drop(Hello#0)", "drop(Alice)"),
                returnsLabel("welcome(Alice) result", "Hello#0"));
        step("3 welcome_all(Ann, Alice)", () -> host.call("welcome_all", ann, alice), events(
                "name_len(Ann)", "new_greeting(Hi) -> Hi#1", "greet(Ann, Hi#1) prints \"Hi, Ann!\"", "drop(Hi#1)",
                "name_len(Alice)", "new_greeting(Hello) -> Hello#1", "greet(Alice, Hello#1) prints \"Hello, Alice!\"",
                "drop(Hello#1)", "drop(Alice)", "drop(Ann)"),
                returns("welcome_all(Ann, Alice)", 8));
        if (!host.live().isEmpty()) {
            throw new GuestMismatch("live references at the end: " + host.live());
        }
        if (host.observesDrops() && host.drops() != 8) {
            throw new GuestMismatch(host.drops() + " drops in total, expected 8");
        }
    }
}
