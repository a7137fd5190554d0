package dev.externref.engine.format;

import java.util.List;
import java.util.stream.Collectors;

/** A function type: parameters and results. */
public record FuncType(List<ValType> params, List<ValType> results) {
    public FuncType {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    @Override
    public String toString() {
        return params.stream().map(ValType::toString).collect(Collectors.joining(", ", "(", ")"))
                + " -> " + (results.size() == 1 ? results.get(0).toString()
                : results.stream().map(ValType::toString).collect(Collectors.joining(", ", "(", ")")));
    }
}
