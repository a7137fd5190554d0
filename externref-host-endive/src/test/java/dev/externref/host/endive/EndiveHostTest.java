package dev.externref.host.endive;

import run.endive.runtime.Instance;
import run.endive.wasm.Parser;
import dev.externref.host.contract.HostContract;

class EndiveHostTest extends HostContract<Instance> {
    @Override
    protected EndiveHost.Builder builder(byte[] module) {
        return EndiveHost.builder(Parser.parse(module));
    }

    @Override
    protected String readString(Instance instance, int ptr, int len) {
        return instance.memory().readString(ptr, len);
    }
}
