package dev.externref.maven;

import org.apache.maven.api.di.Provides;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.api.plugin.testing.MojoParameter;
import org.apache.maven.api.plugin.testing.MojoTest;
import org.apache.maven.artifact.Artifact;
import org.apache.maven.artifact.DefaultArtifact;
import org.apache.maven.artifact.handler.DefaultArtifactHandler;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.apache.maven.project.MavenProject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Mojo as Maven configures it (parameter names, defaults, the {@code <modules>} mapping,
 * error mapping, attaching), with the harness's container and a real {@link MavenProject}.
 */
@MojoTest
class ProcessMojoTest {
    private static final String POM_HEAD = "<project><build><plugins><plugin>"
            + "<artifactId>externref-maven-plugin</artifactId><configuration>";
    private static final String POM_TAIL = "</configuration></plugin></plugins></build></project>";

    @TempDir
    Path basedir;

    private MavenProject project;
    private final List<String> logged = new ArrayList<>();

    @Provides
    MavenProject project() {
        if (project == null) {
            project = new MavenProject();
            project.setGroupId("dev.externref.test");
            project.setArtifactId("app");
            project.setVersion("1.0");
            project.setFile(basedir.resolve("pom.xml").toFile());
            project.getBuild().setDirectory(basedir.resolve("target").toString());
            project.setArtifact(new DefaultArtifact("dev.externref.test", "app", "1.0", null, "wasm", null,
                    new DefaultArtifactHandler("wasm")));
        }
        return project;
    }

    @Provides
    Log log() {
        return new SystemStreamLog() {
            @Override
            public void info(CharSequence content) {
                logged.add("INFO " + content);
            }

            @Override
            public void warn(CharSequence content) {
                logged.add("WARN " + content);
            }
        };
    }

    private Path target(String relative, String module) throws IOException {
        Path p = basedir.resolve("target").resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, ProcessExecutionTest.itModule(module));
        return p;
    }

    @Test
    @InjectMojo(goal = "process")
    void defaultsProcessTheModulesUnderTheBuildDirectoryInPlace(ProcessMojo mojo) throws Exception {
        Path hello = target("wasm/hello.wasm", "hello");
        mojo.execute();
        assertEquals(List.of("externrefs"), ModuleView.of(Files.readAllBytes(hello)).exportedTables());
        assertTrue(logged.get(0).startsWith("INFO target/wasm/hello.wasm: "), logged.toString());
    }

    @Test
    @InjectMojo(goal = "process", pom = POM_HEAD
            + "<tableName>none</tableName>"
            + "<modules>"
            + "  <module><include>a.wasm</include><tableName>refs_a</tableName></module>"
            + "  <module><include>b.wasm</include><dropFunction>env::gone</dropFunction></module>"
            + "  <module><include>c.wasm</include><skip>true</skip></module>"
            + "</modules>" + POM_TAIL)
    void modulesEntriesAreMappedFromXml(ProcessMojo mojo) throws Exception {
        Path a = target("a.wasm", "hello");
        Path b = target("b.wasm", "poke");
        Path c = target("c.wasm", "hello");
        mojo.execute();
        assertEquals(List.of("refs_a"), ModuleView.of(Files.readAllBytes(a)).exportedTables());
        ModuleView pb = ModuleView.of(Files.readAllBytes(b));
        assertEquals(List.of(), pb.exportedTables());
        assertEquals("(externref) -> ()", pb.importSignature("env", "gone"));
        assertArrayEquals(ProcessExecutionTest.itModule("hello"), Files.readAllBytes(c));
    }

    @Test
    @InjectMojo(goal = "process")
    @MojoParameter(name = "skip", value = "true")
    void skipDoesNothing(ProcessMojo mojo) throws Exception {
        Path hello = target("hello.wasm", "hello");
        mojo.execute();
        assertArrayEquals(ProcessExecutionTest.itModule("hello"), Files.readAllBytes(hello));
        assertEquals(List.of("INFO externref: skipping (externref.skip)"), logged);
    }

    @Test
    @InjectMojo(goal = "process")
    void aBadModuleFailsTheBuildNamingTheFile(ProcessMojo mojo) throws Exception {
        Path bad = target("bad.wasm", "malformed");
        MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
        assertTrue(e.getMessage().startsWith("externref: target/bad.wasm: not a well-formed WebAssembly module: "),
                e.getMessage());
        assertNull(e.getCause(), "an engine error is a message, not a stack trace");
        assertArrayEquals(ProcessExecutionTest.itModule("malformed"), Files.readAllBytes(bad));
    }

    @Test
    @InjectMojo(goal = "process")
    @MojoParameter(name = "dropFunction", value = "released")
    void aBadDropFunctionIsAConfigurationError(ProcessMojo mojo) {
        MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
        assertEquals("externref: drop function must be written module::name, got 'released'", e.getMessage());
    }

    @Test
    @InjectMojo(goal = "process")
    @MojoParameter(name = "attach", value = "true")
    @MojoParameter(name = "classifier", value = "processed")
    @MojoParameter(name = "outputDirectory", value = "${project.build.directory}/processed")
    void attachAddsTheProcessedModuleWithItsClassifier(ProcessMojo mojo) throws Exception {
        target("hello.wasm", "hello");
        mojo.execute();
        Path out = basedir.resolve("target/processed/hello.wasm");
        List<Artifact> attached = project.getAttachedArtifacts();
        assertEquals(1, attached.size());
        assertEquals("processed", attached.get(0).getClassifier());
        assertEquals("wasm", attached.get(0).getType());
        assertEquals(out.toFile(), attached.get(0).getFile());
    }

    @Test
    @InjectMojo(goal = "process")
    void theMainArtifactIsAModuleWhenItIsAWasmFile(ProcessMojo mojo) throws Exception {
        Path elsewhere = Files.createDirectories(basedir.resolve("dist")).resolve("app.wasm");
        Files.write(elsewhere, ProcessExecutionTest.itModule("poke"));
        project.getArtifact().setFile(elsewhere.toFile());
        mojo.execute();
        assertEquals(List.of("externrefs"), ModuleView.of(Files.readAllBytes(elsewhere)).exportedTables());
    }
}
