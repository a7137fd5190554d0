package dev.externref.engine.transform;

import dev.externref.engine.format.ByteReader;
import dev.externref.engine.format.ByteWriter;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code producers} custom section (tool conventions): fields such as {@code language},
 * {@code processed-by} and {@code sdk}, each a list of (name, version). Processing adds or
 * updates this tool's {@code processed-by} entry and keeps everything else in order.
 */
final class Producers {
    static final String SECTION = "producers";

    private Producers() {
    }

    /** The new payload with {@code tool} in {@code processed-by}; null if the existing section is malformed. */
    static byte[] withProcessedBy(byte[] module, int from, int to, String tool, String version) {
        Map<String, Map<String, String>> fields = from >= 0 ? fields(module, from, to) : new LinkedHashMap<>();
        if (fields == null) {
            return null;
        }
        Map<String, String> processedBy = fields.get("processed-by");
        if (processedBy == null) {
            fields.put("processed-by", processedBy = new LinkedHashMap<>());
        }
        processedBy.put(tool, version);
        ByteWriter w = new ByteWriter(64);
        w.u32(fields.size());
        for (Map.Entry<String, Map<String, String>> f : fields.entrySet()) {
            w.name(f.getKey()).u32(f.getValue().size());
            for (Map.Entry<String, String> v : f.getValue().entrySet()) {
                w.name(v.getKey()).name(v.getValue());
            }
        }
        return w.toByteArray();
    }

    /** The fields of a section payload, in order: field name to (name, version) pairs; null if malformed. */
    static Map<String, Map<String, String>> fields(byte[] module, int from, int to) {
        Map<String, Map<String, String>> fields = new LinkedHashMap<>();
        try {
            ByteReader r = new ByteReader(module, from, to);
            int n = r.count(2);
            for (int i = 0; i < n; i++) {
                String field = r.name();
                int m = r.count(2);
                Map<String, String> values = fields.get(field);
                if (values == null) {
                    fields.put(field, values = new LinkedHashMap<>());
                }
                for (int k = 0; k < m; k++) {
                    values.put(r.name(), r.name());
                }
            }
            return r.atEnd() ? fields : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

}
