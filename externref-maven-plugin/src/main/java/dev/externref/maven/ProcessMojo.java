package dev.externref.maven;

import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/** Runs the externref transform on the build's WebAssembly modules. */
@Mojo(name = "process", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class ProcessMojo extends AbstractMojo {
    @Override
    public void execute() {
        getLog().info("externref: nothing configured yet");
    }
}
