package dev.externref.engine.format;

import java.util.List;

/**
 * A function type: parameters and results. {@code equals}, {@code hashCode} and {@code toString}
 * are written out: a record's generated ones are bootstrapped through {@code invokedynamic} on
 * first use, which a fresh JVM pays for in milliseconds (this type is a map key on every run).
 */
public record FuncType(List<ValType> params, List<ValType> results) {
    public FuncType {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    /** The binary encoding of this type as a type section entry. */
    public byte[] encode() {
        ByteWriter w = new ByteWriter(8 + params.size() + results.size());
        w.u8(0x60).u32(params.size());
        for (ValType t : params) {
            t.writeTo(w);
        }
        w.u32(results.size());
        for (ValType t : results) {
            t.writeTo(w);
        }
        return w.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FuncType t && params.equals(t.params) && results.equals(t.results);
    }

    @Override
    public int hashCode() {
        return 31 * params.hashCode() + results.hashCode();
    }

    @Override
    public String toString() {
        return list(params) + " -> " + (results.size() == 1 ? results.get(0).toString() : list(results));
    }

    private static String list(List<ValType> types) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < types.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(types.get(i));
        }
        return sb.append(')').toString();
    }
}
