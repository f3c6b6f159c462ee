// Fills c_0 with one page (reserve, push), then waits for it, writes it to page 0 of the buffer at RT arg 0 (page
// size CT arg 1) and pops it after FLUSH (noc_async_writes_flushed), BARRIER (noc_async_write_barrier) or neither
// (broken: the page is released while the write may still be reading it).
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    constexpr auto args = TensorAccessorArgs<0>();
    const auto acc = TensorAccessor(args, get_arg_val<uint32_t>(0));
    cb_reserve_back(0, 1);
    cb_push_back(0, 1);
    cb_wait_front(0, 1);
    noc_async_write(get_read_ptr(0), acc.get_noc_addr(0), 2048);
#if defined(FLUSH)
    noc_async_writes_flushed();
#elif defined(BARRIER)
    noc_async_write_barrier();
#endif
    cb_pop_front(0, 1);
#if defined(FLUSH)
    noc_async_write_barrier();
#endif
}
