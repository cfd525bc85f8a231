#include "embeval/util/thread_count.h"

#include <sched.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace embeval {
namespace {

long read_topology_value(int cpu, const char* name) {
  std::ifstream in("/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/" + name);
  long value = -1;
  if (!(in >> value)) return -1;
  return value;
}

}  // namespace

std::size_t physical_core_count() {
  const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof(mask), &mask) != 0) return hardware;
  std::set<std::pair<long, long>> cores;  // (package, core)
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &mask)) continue;
    const long package = read_topology_value(cpu, "physical_package_id");
    const long core = read_topology_value(cpu, "core_id");
    if (package < 0 || core < 0) return std::max<std::size_t>(1, CPU_COUNT(&mask));
    cores.emplace(package, core);
  }
  return cores.empty() ? hardware : cores.size();
}

std::size_t resolve_thread_count(std::size_t requested) {
  return requested > 0 ? requested : physical_core_count();
}

}  // namespace embeval
