// An all-to-all exchange among the n cores of one NOC row, the W-split program's pattern: every core writes 4 words
// ((my + 1) * 1000 + k) into its 16-byte slot of c_0, multicasts the slot to the other cores, flushes, increments
// every peer's semaphore 0, waits for n - 1 arrivals, then writes all n slots to page `my` of a DRAM buffer.
// Defines break one rule each (test_dev/emulator/test_rules.py):
//   NEVER_SIGNAL    the last core never increments its peers' semaphores (a deadlock)
//   NO_BARRIER      no noc_async_write_barrier between the multicast and the increments (a race)
//   MCAST_OUTSIDE   the multicast rectangle reaches one NOC column past the program's cores
//   NUM_DESTS=k     multicast num_dests k instead of n - 1
//   NO_ATOMIC_BARRIER  no noc_async_atomic_barrier after the increments
// Compile-time args: TensorAccessorArgs of the output. Runtime args: 0 my index, 1 n, 2 NOC x of core 0, 3 NOC y of
// the row, 4 output address.
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
    const uint32_t slot = base + my * 16;
    volatile tt_l1_ptr uint32_t* p = reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(slot));
    for (uint32_t k = 0; k < 4; ++k) {
        p[k] = (my + 1) * 1000 + k;
    }
#ifdef MCAST_OUTSIDE
    const uint32_t x1 = x0 + n;
#else
    const uint32_t x1 = x0 + n - 1;
#endif
#ifdef NUM_DESTS
    const uint32_t num_dests = NUM_DESTS;
#else
    const uint32_t num_dests = n - 1;
#endif
    noc_async_write_multicast(slot, get_noc_multicast_addr(x0, y, x1, y, slot), 16, num_dests);
#ifndef NO_BARRIER
    noc_async_write_barrier();
#endif
#ifdef NEVER_SIGNAL
    if (my != n - 1)
#endif
    {
        for (uint32_t j = 0; j < n; ++j) {
            if (j != my) {
                noc_semaphore_inc(get_noc_addr(x0 + j, y, sem_addr), 1);
            }
        }
    }
#ifndef NO_ATOMIC_BARRIER
    noc_async_atomic_barrier();
#endif
    noc_semaphore_wait(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem_addr)), n - 1);
    noc_semaphore_set(reinterpret_cast<volatile tt_l1_ptr uint32_t*>(static_cast<uintptr_t>(sem_addr)), 0);
    noc_async_write(base, out.get_noc_addr(my), n * 16);
    noc_async_write_barrier();
}
