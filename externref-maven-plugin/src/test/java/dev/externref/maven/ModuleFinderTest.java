package dev.externref.maven;

import dev.externref.maven.ModuleFinder.FoundModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ModuleFinderTest {
    @TempDir
    Path target;

    private Path touch(String relative) throws IOException {
        Path p = target.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {0, 'a', 's', 'm'});
        return p;
    }

    private List<String> find(ModuleFinder finder, Collection<Path> artifacts) throws IOException {
        return finder.find(artifacts).stream().map(FoundModule::relativePath).toList();
    }

    private ModuleFinder finder(List<String> includes, List<String> excludes, boolean defaults, Path... pruned) {
        return new ModuleFinder(target, includes, excludes, defaults, List.of(pruned));
    }

    @Test
    void findsWasmFilesAtAnyDepthInSortedOrder() throws IOException {
        touch("z.wasm");
        touch("wasm/b.wasm");
        touch("wasm/a.wasm");
        touch("classes/lib/m.wasm");
        touch("wasm/notes.txt");
        touch("wasm/a.wasm.sha256");
        assertEquals(List.of("classes/lib/m.wasm", "wasm/a.wasm", "wasm/b.wasm", "z.wasm"),
                find(finder(null, null, true), List.of()));
    }

    @Test
    void includesAndExcludesApply() throws IOException {
        touch("wasm/a.wasm");
        touch("wasm/b.wasm");
        touch("other/c.wasm");
        touch("gen/d.wasm");
        assertEquals(List.of("wasm/a.wasm"),
                find(finder(List.of("wasm/*.wasm"), List.of("**/b.wasm"), true), List.of()));
        assertEquals(List.of("other/c.wasm", "wasm/a.wasm", "wasm/b.wasm"),
                find(finder(null, List.of("gen/**"), true), List.of()));
    }

    @Test
    void mavensDefaultExcludesApplyWhenUseDefaultExcludesIsOn() throws IOException {
        touch("wasm/a.wasm");
        touch("CVS/b.wasm");
        touch("wasm/.git/c.wasm");
        touch("wasm/d.wasm~");
        List<String> includes = List.of("**/*.wasm", "**/*.wasm~");
        assertEquals(List.of("wasm/a.wasm"),
                find(finder(includes, ModuleFinder.withDefaultExcludes(null, true), false), List.of()));
        assertEquals(List.of("CVS/b.wasm", "wasm/.git/c.wasm", "wasm/a.wasm", "wasm/d.wasm~"),
                find(finder(includes, ModuleFinder.withDefaultExcludes(null, false), false), List.of()));
        assertEquals(List.of("x.wasm"), ModuleFinder.withDefaultExcludes(List.of("x.wasm"), false));
    }

    @Test
    void foreignDirectoriesSkipInvokerDirectoriesTestClassesHiddenAndNestedProjects() throws IOException {
        touch("wasm/a.wasm");
        touch("it/case/target/x.wasm");
        touch("local-repo/g/a/1/a-1.wasm");
        touch("test-classes/fixture.wasm");
        touch(".cache/x.wasm");
        touch("archetype/project/pom.xml");
        touch("archetype/project/target/y.wasm");
        touch("deep/it/kept.wasm");
        assertEquals(List.of("deep/it/kept.wasm", "wasm/a.wasm"), find(finder(null, null, true), List.of()));
        assertEquals(7, find(finder(null, null, false), List.of()).size(),
                "without default excludes every .wasm file is found");
    }

    @Test
    void inACargoProfileDirectoryEachModuleIsFoundOnceAndBuildInternalsAreSkipped() throws IOException {
        // What cargo build --release --target wasm32-unknown-unknown leaves: the module, a hard link
        // to it under deps/, build-script output and incremental caches, and the profile's lock file.
        String profile = "cargo/wasm32-unknown-unknown/release/";
        Path module = touch(profile + "guest.wasm");
        Files.createDirectories(target.resolve(profile + "deps"));
        Files.createLink(target.resolve(profile + "deps/guest.wasm"), module);
        touch(profile + "build/guest-0123/out/helper.wasm");
        touch(profile + "incremental/guest-4567/s-abc/x.wasm");
        touch(profile + ".cargo-lock");
        touch(profile + "examples/demo.wasm");
        assertEquals(List.of(profile + "examples/demo.wasm", profile + "guest.wasm"), find(finder(null, null, true), List.of()));
        assertEquals(5, find(finder(null, null, false), List.of()).size(), "without default excludes: every copy");
        // A directory named deps elsewhere is an ordinary directory.
        touch("wasm/deps/lib.wasm");
        assertEquals(List.of(profile + "examples/demo.wasm", profile + "guest.wasm", "wasm/deps/lib.wasm"),
                find(finder(null, null, true), List.of()));
    }

    @Test
    void prunedDirectoriesAreNeverEntered() throws IOException {
        touch("wasm/a.wasm");
        touch("processed/wasm/a.wasm");
        touch("externref-maven-plugin/.a.wasm.tmp");
        assertEquals(List.of("wasm/a.wasm"),
                find(finder(null, null, true, target.resolve("processed"), target.resolve("externref-maven-plugin")),
                        List.of()));
    }

    @Test
    void aPrunedDirectoryHoldingTheInputDirectoryIsIgnored() throws IOException {
        touch("wasm/a.wasm");
        touch("wasm/sub/b.wasm");
        ModuleFinder finder = new ModuleFinder(target.resolve("wasm"), null, null, true, List.of(target));
        assertEquals(List.of("a.wasm", "sub/b.wasm"), find(finder, List.of()));
    }

    @Test
    void wasmArtifactsAreModulesAndFoundOnce(@TempDir Path elsewhere) throws IOException {
        Path inside = touch("hello.wasm");
        Path outside = elsewhere.resolve("lib.wasm");
        Files.write(outside, new byte[] {0});
        Path jar = elsewhere.resolve("app.jar");
        Files.write(jar, new byte[] {0});
        List<FoundModule> found = finder(null, null, true).find(List.of(outside, inside, jar));
        assertEquals(List.of("hello.wasm", "lib.wasm"), found.stream().map(FoundModule::relativePath).toList());
        assertEquals(outside.toAbsolutePath().normalize(), found.get(1).file());
    }

    @Test
    void artifactsInsideAnOutputDirectoryAreNotModules() throws IOException {
        Path own = touch("processed/hello.wasm");
        assertEquals(List.of(), find(finder(null, null, true, target.resolve("processed")), List.of(own)));
    }

    @Test
    void excludesApplyToArtifactsToo(@TempDir Path elsewhere) throws IOException {
        Path outside = elsewhere.resolve("lib.wasm");
        Files.write(outside, new byte[] {0});
        assertEquals(List.of(), find(finder(null, List.of("lib.wasm"), true), List.of(outside)));
    }

    @Test
    void aMissingInputDirectoryHasNoModules() throws IOException {
        ModuleFinder finder = new ModuleFinder(target.resolve("absent"), null, null, true, List.of());
        assertEquals(List.of(), finder.find(List.of()));
    }
}
