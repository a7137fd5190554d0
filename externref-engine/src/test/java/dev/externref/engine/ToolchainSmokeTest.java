package dev.externref.engine;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wabt.Wat2Wasm;
import com.dylibso.chicory.wasm.Parser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ToolchainSmokeTest {
    @Test
    void watAssemblesAndRuns() {
        byte[] wasm = Wat2Wasm.parse("(module (func (export \"add\") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))");
        var instance = Instance.builder(Parser.parse(wasm)).build();
        assertEquals(5L, instance.export("add").apply(2, 3)[0]);
    }
}
