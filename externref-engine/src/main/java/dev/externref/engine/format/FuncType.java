package dev.externref.engine.format;

import java.util.List;
import java.util.stream.Collectors;

/** A function type: parameters and results. */
public record FuncType(List<ValType> params, List<ValType> results) {
    public FuncType {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    /** The binary encoding of this type as a type section entry. */
    public byte[] encode() {
        ByteWriter w = new ByteWriter(8 + params.size() + results.size());
        w.u8(0x60).u32(params.size());
        params.forEach(t -> t.writeTo(w));
        w.u32(results.size());
        results.forEach(t -> t.writeTo(w));
        return w.toByteArray();
    }

    @Override
    public String toString() {
        return params.stream().map(ValType::toString).collect(Collectors.joining(", ", "(", ")"))
                + " -> " + (results.size() == 1 ? results.get(0).toString()
                : results.stream().map(ValType::toString).collect(Collectors.joining(", ", "(", ")")));
    }
}
