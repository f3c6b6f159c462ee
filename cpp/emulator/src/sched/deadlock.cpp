// SPDX-License-Identifier: Apache-2.0
//
// Room "sched": the deadlock report. Written the moment the scheduler finds no fiber running or ready while some
// have not finished (scheduler.hpp: that test is exact). For every kernel: finished, or the call it is blocked
// in with its CB's current counts; its last CB operations; and, when the cause is certain, a diagnosis: a wait
// whose only possible producers (or consumers) have finished.
#include <sstream>

#include "sched/scheduler.hpp"

namespace tensix_emu {

namespace {
std::string kernel_names(const std::vector<const Fiber*>& ks) {
    std::string out;
    for (const Fiber* k : ks) {
        out += (out.empty() ? "" : ", ") + k->name();
    }
    return out;
}
}  // namespace

void Scheduler::report_deadlock_locked() {
    std::ostringstream os;
    os << "deadlock: every kernel of the program is blocked and none can make progress\n";
    std::vector<std::string> diagnoses;
    for (const Fiber* k : fibers) {
        os << "  " << k->name() << ": ";
        if (k->done) {
            os << "finished\n";
        } else {
            os << "blocked in " << (k->blocked_on ? k->blocked_on() : std::string("?")) << "\n";
        }
        if (!k->history.empty()) {
            os << "    last CB operations:";
            for (const auto& h : k->history) {
                os << " " << h << ";";
            }
            os << "\n";
        }
        // Name the cause when it is certain: a wait whose only possible producers (or consumers) have finished.
        if (!k->done && k->wait_cb >= 0) {
            const CBState& c = *k->wait_state;
            const std::string cbn = cb_name(k->wait_cb);
            const auto& peers = k->wait_front ? c.pushers : c.poppers;
            bool peers_done = !peers.empty();
            for (const Fiber* p : peers) {
                peers_done = peers_done && p->done && p != k;
            }
            if (k->wait_front && c.pushers.empty()) {
                diagnoses.push_back(k->name() + " waits on " + cbn + ", which no kernel ever pushed to");
            } else if (k->wait_front && peers_done) {
                diagnoses.push_back(
                    k->name() + " waits on " + cbn + " but its producer (" + kernel_names(c.pushers) +
                    ") has finished after pushing " + std::to_string(c.pushed) + " pages, of which " +
                    std::to_string(c.popped) + " were popped" +
                    (c.popped > 0 && c.popped == c.pushed
                         ? ": a persistent CB was popped before its last use (pop it once, after the last wait)"
                         : ": the producer pushes fewer pages than the consumer waits for"));
            } else if (!k->wait_front && peers_done) {
                diagnoses.push_back(k->name() + " waits for space in " + cbn + " but its consumer (" +
                                    kernel_names(c.poppers) + ") has finished, leaving " +
                                    std::to_string(c.occupied()) + " pages unpopped");
            }
        }
    }
    for (const auto& d : diagnoses) {
        os << "  diagnosis: " << d << "\n";
    }
    error = os.str();
    deadlock = true;
    aborted = true;
    abort_wake_locked();
}

}  // namespace tensix_emu
