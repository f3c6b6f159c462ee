// DPRINT from a data-movement kernel (used as reader on NCRISC/NOC 1 and as writer on BRISC/NOC 0):
// scalars of each type, strings, format specs, indexed placeholders, DPRINT_DATA0/1. CT arg 0: a tag.
// Define DPRINT_STREAM: the removed stream syntax, which must fail to compile.
#include <cstdint>
#include "api/dataflow/dataflow_api.h"
#include "api/debug/dprint.h"

void kernel_main() {
    constexpr uint32_t tag = get_compile_time_arg_val(0);
    const uint32_t x = my_x[0], y = my_y[0];
    DPRINT("tag {} core {} {}\n", tag, get_absolute_logical_x(), get_absolute_logical_y());
    DPRINT("noc {}-{}\n", x, y);
    DPRINT("i8 {} u16 {} i32 {} u64 {} neg {}\n", int8_t(-5), uint16_t(65535), int32_t(-2147483647 - 1),
           uint64_t(1) << 40, -17);
    DPRINT("hex {:#x} {:X} {:08b} {:>6}|{:<4}|{:^5}|{:+d}\n", 255u, 0xBEEFu, 5u, 42, 7, "ab", 3);
    DPRINT("f {} {} {} {:.3f} {:e} {} {}\n", 2.2f, 0.1, 1e20f, 3.14159f, 1.5, bf16_t(0x3FC0), 100.0f);
    DPRINT("bool {} {} char {} str {} {:.2}\n", true, false, 'z', "a string", "truncated");
    DPRINT("{1} before {0} {{braces}}\n", "second", "first");
    DPRINT("no newline, ");
    DPRINT("joined\n");
    DPRINT_DATA0("on noc 0\n");
    DPRINT_DATA1("on noc 1\n");
    DPRINT_MATH("never in a data-movement kernel\n");
#ifdef DPRINT_STREAM
    DPRINT << tag;  // tt-metal 0.81.1 removed the stream syntax: must not compile
#endif
}
