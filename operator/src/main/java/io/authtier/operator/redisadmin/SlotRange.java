package io.authtier.operator.redisadmin;

import java.util.ArrayList;
import java.util.List;

/** An inclusive range of hash slots, {@code start..end}, within {@code 0..16383}. */
public record SlotRange(int start, int end) {

  /** Number of hash slots in a Redis Cluster. */
  public static final int SLOTS = 16384;

  public SlotRange {
    if (start < 0 || end >= SLOTS || start > end) {
      throw new IllegalArgumentException("Invalid slot range " + start + "-" + end);
    }
  }

  public static SlotRange single(int slot) {
    return new SlotRange(slot, slot);
  }

  public int count() {
    return end - start + 1;
  }

  public static int count(List<SlotRange> ranges) {
    return ranges.stream().mapToInt(SlotRange::count).sum();
  }

  /**
   * Splits {@code 0..16383} into {@code parts} contiguous ranges whose sizes differ by at most one slot
   * (the first {@code 16384 % parts} ranges hold the extra slot).
   */
  public static List<SlotRange> evenSplit(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("parts must be at least 1, got " + parts);
    }
    List<SlotRange> ranges = new ArrayList<>(parts);
    int base = SLOTS / parts;
    int extra = SLOTS % parts;
    int next = 0;
    for (int i = 0; i < parts; i++) {
      int size = base + (i < extra ? 1 : 0);
      ranges.add(new SlotRange(next, next + size - 1));
      next += size;
    }
    return List.copyOf(ranges);
  }

  /** Every slot of the ranges, ascending when the ranges are. */
  public static int[] slots(List<SlotRange> ranges) {
    return ranges.stream()
        .flatMapToInt(r -> java.util.stream.IntStream.rangeClosed(r.start, r.end))
        .toArray();
  }

  /** Compresses ascending slots into ranges. */
  public static List<SlotRange> ranges(int[] ascendingSlots) {
    List<SlotRange> ranges = new ArrayList<>();
    int i = 0;
    while (i < ascendingSlots.length) {
      int start = ascendingSlots[i];
      int end = start;
      while (i + 1 < ascendingSlots.length && ascendingSlots[i + 1] == end + 1) {
        end = ascendingSlots[++i];
      }
      ranges.add(new SlotRange(start, end));
      i++;
    }
    return List.copyOf(ranges);
  }

  @Override
  public String toString() {
    return start == end ? Integer.toString(start) : start + "-" + end;
  }
}
