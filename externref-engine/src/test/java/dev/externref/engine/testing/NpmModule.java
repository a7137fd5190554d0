package dev.externref.engine.testing;

import java.nio.file.Path;

/**
 * A real WebAssembly module taken from an npm package, as listed in {@code scripts/npm-modules.tsv}
 * and fetched by {@code scripts/fetch-npm-modules.sh}.
 *
 * @param packageName  the npm package, e.g. {@code @resvg/resvg-wasm}
 * @param version      the pinned version
 * @param pathInTarball where the file is inside the package tarball
 * @param path         where the fetched file is (it exists when handed out by {@link NpmModules})
 * @param size         its size in bytes
 * @param sha256       its SHA-256, lower-case hex
 * @param ci           part of the CI-sized subset
 * @param note         what kind of module it is (toolchain, features)
 */
public record NpmModule(
        String packageName,
        String version,
        String pathInTarball,
        Path path,
        long size,
        String sha256,
        boolean ci,
        String note) {

    /** The output file name, e.g. {@code resvg.wasm}. */
    public String fileName() {
        return path.getFileName().toString();
    }

    /** The display name used by JUnit: file name and package. */
    @Override
    public String toString() {
        return fileName() + " (" + packageName + "@" + version + ")";
    }
}
