// BROKEN (per BLOCK / FULL): pack_untilize_dest_init<BLOCK, FULL> beyond the DEST limit or FULL % BLOCK != 0.
#include "api/compute/compute_kernel_api.h"
#include "api/compute/pack_untilize.h"
void kernel_main() {
    compute_kernel_hw_startup(0, 0, 16);
    pack_untilize_dest_init<BLOCK, FULL>(16);
}
