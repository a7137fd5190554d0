package dev.externref.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Real WebAssembly modules from npm packages, fetched by {@code scripts/fetch-npm-modules.sh}
 * into the directory named by the system property {@value #PROPERTY} (the root pom passes
 * {@code <checkout>/target/npm-modules}). What should be there is listed in the committed
 * {@code scripts/npm-modules.tsv}. When the files are absent a test is skipped with the hint to
 * run the script, or fails when {@code CI=true}. Both methods suit {@code @MethodSource}:
 * {@code @MethodSource("dev.externref.engine.testing.NpmModules#ciSubset")}.
 */
public final class NpmModules {
    /** The system property naming the directory of fetched modules. */
    public static final String PROPERTY = "externref.npmModules";
    /** The list of modules, relative to the checkout root. */
    public static final String LIST = "scripts/npm-modules.tsv";

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private NpmModules() {
    }

    /**
     * Every listed module that has been fetched (all of them after {@code --all}, the CI subset
     * after a plain run), in list order. Skips, or fails in CI, when none is there.
     */
    public static List<NpmModule> all() {
        Path dir = directory();
        List<NpmModule> listed = list(dir);
        List<NpmModule> present = listed.stream().filter(NpmModules::present).toList();
        if (present.isEmpty()) {
            return Prerequisite.missing("no fetched npm modules in " + dir + " (system property " + PROPERTY
                    + "): run scripts/fetch-npm-modules.sh (--all for the full set)");
        }
        checkSizes(present);
        return present;
    }

    /** The CI-sized subset, in list order; all of it must have been fetched. */
    public static List<NpmModule> ciSubset() {
        Path dir = directory();
        List<NpmModule> subset = list(dir).stream().filter(NpmModule::ci).toList();
        List<String> missing = subset.stream().filter(m -> !present(m)).map(NpmModule::fileName).toList();
        if (!missing.isEmpty()) {
            return Prerequisite.missing("npm modules not fetched: " + missing + " in " + dir + " (system property "
                    + PROPERTY + "): run scripts/fetch-npm-modules.sh");
        }
        checkSizes(subset);
        return subset;
    }

    /** The fetch directory: the system property, or {@code <checkout>/target/npm-modules}. */
    public static Path directory() {
        String property = System.getProperty(PROPERTY);
        Path dir = property == null || property.isBlank()
                ? Checkout.resolve("target/npm-modules")
                : Path.of(property);
        return dir.toAbsolutePath().normalize();
    }

    /** Every row of the committed list, with paths inside {@code dir}, whether fetched or not. */
    static List<NpmModule> list(Path dir) {
        return parse(Tsv.read(Checkout.resolve(LIST)), dir);
    }

    static List<NpmModule> parse(Tsv tsv, Path dir) {
        tsv.require("package", "version", "path", "file", "size", "sha256", "ci");
        List<NpmModule> modules = new ArrayList<>();
        Set<String> files = new HashSet<>();
        for (Tsv.Row row : tsv.rows()) {
            String file = row.required("file");
            if (file.contains("/") || !file.endsWith(".wasm")) {
                throw row.error("file must be a plain .wasm file name, found '" + file + "'");
            }
            if (!files.add(file)) {
                throw row.error("duplicate file " + file);
            }
            String sha = row.required("sha256");
            if (!SHA256.matcher(sha).matches()) {
                throw row.error("sha256 must be 64 lower-case hex digits, found '" + sha + "'");
            }
            String ci = row.required("ci");
            if (!ci.equals("yes") && !ci.equals("no")) {
                throw row.error("ci must be yes or no, found '" + ci + "'");
            }
            modules.add(new NpmModule(row.required("package"), row.required("version"), row.required("path"),
                    dir.resolve(file), row.nonNegativeLong("size"), sha, ci.equals("yes"), row.get("note")));
        }
        return modules;
    }

    private static boolean present(NpmModule module) {
        return Files.isRegularFile(module.path());
    }

    private static void checkSizes(List<NpmModule> modules) {
        for (NpmModule module : modules) {
            long size;
            try {
                size = Files.size(module.path());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (size != module.size()) {
                Prerequisite.missing(module.path() + " has " + size + " bytes, " + LIST + " says " + module.size()
                        + ": run scripts/fetch-npm-modules.sh again (it replaces files with a wrong sha256)");
            }
        }
    }
}
