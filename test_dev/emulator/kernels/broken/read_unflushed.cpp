// BROKEN: core 0 writes 16 bytes into core 1's c_0 and reads them back through the NOC without a write barrier:
// the read may see the L1 before the write landed. With FIX, the barrier is there and the program runs.
// Runtime args: 0 NOC x of core 1, 1 its NOC y, 2 1 on core 0 (core 1 does nothing).
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    const uint32_t x = get_arg_val<uint32_t>(0);
    const uint32_t y = get_arg_val<uint32_t>(1);
    if (get_arg_val<uint32_t>(2) == 0) {
        return;
    }
    cb_reserve_back(0, 1);
    const uint32_t base = get_write_ptr(0);
    noc_async_write(base, get_noc_addr(x, y, base + 16), 16);
#ifdef FIX
    noc_async_write_barrier();
#endif
    noc_async_read(get_noc_addr(x, y, base + 16), base + 32, 16);
    noc_async_read_barrier();
    noc_async_write_barrier();
}
