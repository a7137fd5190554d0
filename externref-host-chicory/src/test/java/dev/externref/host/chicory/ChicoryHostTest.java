package dev.externref.host.chicory;

import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
import dev.externref.host.contract.HostContract;

class ChicoryHostTest extends HostContract<Instance> {
    @Override
    protected ChicoryHost.Builder builder(byte[] module) {
        return ChicoryHost.builder(Parser.parse(module));
    }

    @Override
    protected String readString(Instance instance, int ptr, int len) {
        return instance.memory().readString(ptr, len);
    }
}
