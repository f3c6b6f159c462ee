// Reads PAGE of the buffer at RT arg 0 (page size CT arg 1) into c_0 at byte OFFSET of the page address and
// L1_SKIP bytes past the write pointer; SIZE bytes. Broken per define: page past the end, misaligned DRAM
// address, L1 outside the CB region, push without the read barrier (NO_BARRIER).
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    constexpr auto args = TensorAccessorArgs<0>();
    const auto acc = TensorAccessor(args, get_arg_val<uint32_t>(0));
    cb_reserve_back(0, 1);
    noc_async_read(acc.get_noc_addr(PAGE) + OFFSET, get_write_ptr(0) + L1_SKIP, SIZE);
#ifndef NO_BARRIER
    noc_async_read_barrier();
#endif
    cb_push_back(0, 1);
}
