package dev.externref.engine.format;

/**
 * Renumbering of a module's index spaces: the one mechanism a writer applies wherever an index
 * appears (instruction immediates, element segments, exports, start, imports, constant
 * expressions, value types, and the {@code name} section).
 */
@FunctionalInterface
public interface IndexRemap {
    /** The new index of {@code index} in {@code space}; -1 if the item is removed. */
    int map(IndexSpace space, int index);

    /** False when this remap leaves {@code space} as it is (lets a writer skip work). */
    default boolean changes(IndexSpace space) {
        return true;
    }

    IndexRemap IDENTITY = new IndexRemap() {
        @Override
        public int map(IndexSpace space, int index) {
            return index;
        }

        @Override
        public boolean changes(IndexSpace space) {
            return false;
        }
    };

    /** Renumbers functions by a table (old index → new index or -1); other spaces unchanged. */
    static IndexRemap functions(int[] newIndexOfOld) {
        return new IndexRemap() {
            @Override
            public int map(IndexSpace space, int index) {
                if (space != IndexSpace.FUNCTION || index < 0 || index >= newIndexOfOld.length) {
                    return index; // out-of-range indices belong to invalid modules: left as they are
                }
                return newIndexOfOld[index];
            }

            @Override
            public boolean changes(IndexSpace space) {
                return space == IndexSpace.FUNCTION;
            }
        };
    }

    /** Moves every index at or above {@code from} in {@code space} by {@code delta}. */
    static IndexRemap shift(IndexSpace shifted, int from, int delta) {
        return new IndexRemap() {
            @Override
            public int map(IndexSpace space, int index) {
                return space == shifted && index >= from ? index + delta : index;
            }

            @Override
            public boolean changes(IndexSpace space) {
                return space == shifted;
            }
        };
    }
}
