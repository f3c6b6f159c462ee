// One sender, n - 1 receivers on one NOC row (upstream's sharded-LayerNorm pattern): core 0 puts 4 words into its
// c_0, multicasts them with loopback to all n cores (itself included), flushes, and sets every other core's
// semaphore 0 to 1 by a semaphore multicast; the receivers wait until semaphore 0 >= 1 (noc_semaphore_wait_min).
// Every core then writes its 4 received words to page `my` of a DRAM buffer.
// NO_FLUSH drops the noc_async_writes_flushed between the data and the flag (a race).
// Compile-time args: TensorAccessorArgs of the output. Runtime args: 0 my index, 1 n, 2 NOC x of core 0, 3 NOC y,
// 4 output address.
#include "api/dataflow/dataflow_api.h"
void kernel_main() {
    const uint32_t my = get_arg_val<uint32_t>(0);
    const uint32_t n = get_arg_val<uint32_t>(1);
    const uint32_t x0 = get_arg_val<uint32_t>(2);
    const uint32_t y = get_arg_val<uint32_t>(3);
    const auto out = TensorAccessor(TensorAccessorArgs<0>(), get_arg_val<uint32_t>(4));
    const uint32_t sem_addr = get_semaphore(0);
    cb_reserve_back(0, 1);
    const uint32_t base = get_write_ptr(0);
    volatile tt_l1_ptr uint32_t* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(base));
    if (my == 0) {
        for (uint32_t k = 0; k < 4; ++k) {
            p[k] = 7000 + k;
        }
        p[4] = 1;  // the flag value, in L1 for noc_semaphore_set_multicast
        noc_async_write_multicast_loopback_src(base, get_noc_multicast_addr(x0, y, x0 + n - 1, y, base), 16, n);
#ifndef NO_FLUSH
        noc_async_writes_flushed();
#endif
        noc_semaphore_set_multicast(base + 16, get_noc_multicast_addr(x0, y, x0 + n - 1, y, sem_addr), n - 1);
        noc_async_write_barrier();
    } else {
        noc_semaphore_wait_min(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem_addr)), 1);
    }
    noc_async_write(base, out.get_noc_addr(my), 16);
    noc_async_write_barrier();
}
