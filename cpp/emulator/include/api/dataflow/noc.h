// SPDX-License-Identifier: Apache-2.0
//
// The Noc object of tt-metal 0.81 (tt_metal/hw/inc/api/dataflow/noc.h): async_read / async_write between
// endpoints whose address rules live in noc_traits_t<Endpoint> (TensorAccessor pages, DataflowBuffer and
// CircularBuffer pointers, CoreLocalMem), and the barriers. Every transfer goes through the emulator's NOC
// checks (the dataflow_api.h calls' checks: bounds, alignment, barrier before push/pop). Only
// NocOptions::DEFAULT is implemented; other options are refused at compile time.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "emu/kernel_common.hpp"

/// Address rules of one NOC endpoint type; specialised beside each endpoint (tensor/noc_traits.h,
/// dataflow_buffer.h, circular_buffer.h, core_local_mem.h). `src_args_type` / `dst_args_type` are the
/// designated-initialiser argument structs kernels pass; `noc_addr` gives a NOC address, `local_l1` an L1
/// address on this core (static_assert where upstream's trait does).
template <typename T>
struct noc_traits_t {
    static_assert(sizeof(T) == 0, "NoC transactions are not supported for this type");
};

enum class NocOptions : uint32_t { DEFAULT = 0, CUSTOM_VC = 1u << 0, TXN_ID = 1u << 1, POSTED = 1u << 2 };
constexpr NocOptions operator|(NocOptions a, NocOptions b) {
    return static_cast<NocOptions>(static_cast<uint32_t>(a) | static_cast<uint32_t>(b));
}
struct NocOptVals {
    uint32_t vc = 0;
    uint32_t trid = 0;
};

class Noc {
public:
    enum class AddressType { NOC, LOCAL_L1 };
    static constexpr uint32_t INVALID_TXN_ID = 0xFFFFFFFF;

    Noc() = default;
    explicit Noc(uint8_t noc_id) : noc_id_(noc_id) {}
    uint8_t get_noc_id() const { return noc_id_; }

    template <NocOptions opts = NocOptions::DEFAULT, uint32_t max_page_size = 0xFFFFFFFFu,
              bool enable_noc_tracing = true, typename Src, typename Dst>
    void async_read(const Src& src, const Dst& dst, uint32_t size_bytes,
                    const typename noc_traits_t<Src>::src_args_type& src_args,
                    const typename noc_traits_t<Dst>::dst_args_type& dst_args, const NocOptVals& = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "emulator: Noc::async_read with NocOptions is not implemented");
        tensix_emu::kernel_side::api().noc_read(noc_traits_t<Src>::src_noc_addr(src, src_args),
                                                noc_traits_t<Dst>::dst_local_l1(dst, dst_args), size_bytes);
    }

    template <NocOptions opts = NocOptions::DEFAULT, uint32_t max_page_size = 0xFFFFFFFFu,
              bool enable_noc_tracing = true, typename Src, typename Dst>
    void async_write(const Src& src, const Dst& dst, uint32_t size_bytes,
                     const typename noc_traits_t<Src>::src_args_type& src_args,
                     const typename noc_traits_t<Dst>::dst_args_type& dst_args, const NocOptVals& = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "emulator: Noc::async_write with NocOptions is not implemented");
        tensix_emu::kernel_side::api().noc_write(noc_traits_t<Src>::src_local_l1(src, src_args),
                                                 noc_traits_t<Dst>::dst_noc_addr(dst, dst_args), size_bytes);
    }

    template <NocOptions opts = NocOptions::DEFAULT>
    void async_read_barrier(const NocOptVals& = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "emulator: barriers with NocOptions are not implemented");
        tensix_emu::kernel_side::api().noc_read_barrier();
    }
    template <NocOptions opts = NocOptions::DEFAULT>
    void async_write_barrier(const NocOptVals& = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "emulator: barriers with NocOptions are not implemented");
        tensix_emu::kernel_side::api().noc_write_barrier();
    }
    /// Waits until every issued write has left L1 (its source may be reused), not until it has landed
    /// (dataflow_api.h noc_async_writes_flushed); the emulator's rules for it live in its NOC room
    /// (src/noc/intercore.cpp NocPort::writes_flushed).
    template <NocOptions opts = NocOptions::DEFAULT>
    void async_writes_flushed(const NocOptVals& = {}) const {
        static_assert(opts == NocOptions::DEFAULT, "emulator: barriers with NocOptions are not implemented");
        tensix_emu::kernel_side::api().noc_writes_flushed();
    }
    /// Zeroes [base + args.offset_bytes, + size_bytes) of a local-L1 endpoint (noc.h overload 1; base is the
    /// write pointer of a CB / DataflowBuffer, the address of a CoreLocalMem). On Wormhole/Blackhole it is a NOC
    /// loopback read, so the destination must be 16-byte aligned (NOC_L1_READ_ALIGNMENT_BYTES): refused
    /// otherwise. The emulator writes the zeros at once; "UNDEFINED until write_zeros_l1_barrier()" is not
    /// modelled (a kernel reading the window before the barrier is not caught).
    template <typename Dst>
    void async_write_zeros(const Dst& dst, uint32_t size_bytes,
                           const typename noc_traits_t<Dst>::dst_args_type& args = {}) const {
        const uint32_t addr = noc_traits_t<Dst>::dst_local_l1(dst, args);
        if (addr % 16 != 0) {
            tensix_emu::kernel_side::api().unsupported(
                "Noc::async_write_zeros: the destination is not 16-byte aligned (NOC_L1_READ_ALIGNMENT_BYTES)");
        }
        std::memset(reinterpret_cast<void*>(static_cast<uintptr_t>(addr)), 0, size_bytes);
    }
    void write_zeros_l1_barrier() const {}
    void async_full_barrier() const {
        tensix_emu::kernel_side::api().noc_read_barrier();
        tensix_emu::kernel_side::api().noc_write_barrier();
    }

private:
    uint8_t noc_id_ = 0;
};
