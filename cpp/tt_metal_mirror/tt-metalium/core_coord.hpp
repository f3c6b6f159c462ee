// SPDX-License-Identifier: Apache-2.0
//
// Mirror of tt-metal's tt_metal/api/tt-metalium/core_coord.hpp (0.81): CoreCoord, CoreRange, CoreRangeSet in
// the global namespace, as tt-metal declares them. Only the members this project uses.
#pragma once

#include <cstdint>
#include <vector>

/// Logical worker-core coordinate (x = column, y = row of the compute grid), as tt-metal's CoreCoord.
struct CoreCoord {
    uint32_t x = 0;
    uint32_t y = 0;
    bool operator==(const CoreCoord& o) const { return x == o.x && y == o.y; }
};

/// Inclusive rectangle of cores [start, end], as tt-metal's CoreRange.
struct CoreRange {
    CoreCoord start;
    CoreCoord end;
    bool contains(const CoreCoord& c) const {
        return c.x >= start.x && c.x <= end.x && c.y >= start.y && c.y <= end.y;
    }
    /// Number of cores in the rectangle.
    uint32_t size() const { return (end.x - start.x + 1) * (end.y - start.y + 1); }
};

/// Set of core ranges, as tt-metal's CoreRangeSet.
struct CoreRangeSet {
    std::vector<CoreRange> ranges;
    bool contains(const CoreCoord& c) const {
        for (const auto& r : ranges) {
            if (r.contains(c)) {
                return true;
            }
        }
        return false;
    }
    /// Total number of cores over all ranges.
    uint32_t num_cores() const {
        uint32_t n = 0;
        for (const auto& r : ranges) {
            n += r.size();
        }
        return n;
    }
    /// Cores in row-major order (y outer, x inner), the order tt-metal's corerange_to_cores uses.
    std::vector<CoreCoord> cores() const {
        std::vector<CoreCoord> out;
        for (const auto& r : ranges) {
            for (uint32_t y = r.start.y; y <= r.end.y; ++y) {
                for (uint32_t x = r.start.x; x <= r.end.x; ++x) {
                    out.push_back({x, y});
                }
            }
        }
        return out;
    }
};
