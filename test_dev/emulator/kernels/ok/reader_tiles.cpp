// Reads NA tiles of buffer A into c_0 and NB tiles of buffer B into c_1, one tile per push.
// CT args: 0 NA, 1 NB, 2.. TensorAccessorArgs(A), then (B). RT args: 0 address A, 1 address B.
#include <cstdint>
#include "api/dataflow/dataflow_api.h"

void kernel_main() {
    constexpr uint32_t NA = get_compile_time_arg_val(0);
    constexpr uint32_t NB = get_compile_time_arg_val(1);
    constexpr auto a_args = TensorAccessorArgs<2>();
    constexpr auto b_args = TensorAccessorArgs<a_args.next_compile_time_args_offset()>();
    const auto a = TensorAccessor(a_args, get_arg_val<uint32_t>(0));
    const auto b = TensorAccessor(b_args, get_arg_val<uint32_t>(1));
    for (uint32_t i = 0; i < NB; ++i) {
        cb_reserve_back(1, 1);
        noc_async_read_page(i, b, get_write_ptr(1));
        noc_async_read_barrier();
        cb_push_back(1, 1);
    }
    for (uint32_t i = 0; i < NA; ++i) {
        cb_reserve_back(0, 1);
        noc_async_read_page(i, a, get_write_ptr(0));
        noc_async_read_barrier();
        cb_push_back(0, 1);
    }
}
