package dev.externref.maven;

/**
 * One entry of the {@code <modules>} parameter: settings for the modules whose path matches
 * {@link #getInclude() include}. Fields left out inherit the plugin-level value.
 *
 * <pre>{@code
 * <modules>
 *   <module>
 *     <include>wasm/plugin-*.wasm</include>
 *     <tableName>none</tableName>
 *     <dropFunction>host::released</dropFunction>
 *   </module>
 * </modules>
 * }</pre>
 */
public class ModuleOverride {
    /** Ant-style pattern over the module's path relative to {@code inputDirectory} (required). */
    private String include;
    /** Table export name for these modules; {@code none} (or empty): not exported. */
    private String tableName;
    /** Drop hook for these modules as {@code module::name}; {@code none}: no hook. */
    private String dropFunction;
    /** {@code true}: leave these modules alone (not processed, not copied, not attached). */
    private Boolean skip;
    /** Classifier under which these modules are attached when {@code attach} is on. */
    private String classifier;

    public ModuleOverride() {
    }

    ModuleOverride(String include, String tableName, String dropFunction, Boolean skip, String classifier) {
        this.include = include;
        this.tableName = tableName;
        this.dropFunction = dropFunction;
        this.skip = skip;
        this.classifier = classifier;
    }

    public String getInclude() {
        return include;
    }

    public void setInclude(String include) {
        this.include = include;
    }

    public String getTableName() {
        return tableName;
    }

    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    public String getDropFunction() {
        return dropFunction;
    }

    public void setDropFunction(String dropFunction) {
        this.dropFunction = dropFunction;
    }

    public Boolean getSkip() {
        return skip;
    }

    public void setSkip(Boolean skip) {
        this.skip = skip;
    }

    public String getClassifier() {
        return classifier;
    }

    public void setClassifier(String classifier) {
        this.classifier = classifier;
    }

    @Override
    public String toString() {
        return "<module> " + include;
    }
}
