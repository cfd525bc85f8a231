// Words for what a remote server answered, shared by the remote model families (openai:,
// openai-rerank:): the status line, the server's own error message, a base URL without its
// trailing slashes. Pure functions.
#pragma once

#include <string>

namespace embeval::remote {

// "401 Unauthorized", "503 Service Unavailable", ... ("418" for a code without a name here).
[[nodiscard]] std::string status_text(long status);

// The server's own words: OpenAI's {"error":{"message":..}}, TEI's {"error":".."}, Cohere's
// {"message":..}, or the start of the body (300 bytes, one line).
[[nodiscard]] std::string server_message(const std::string& body);

[[nodiscard]] std::string trim_slashes(std::string url);

}  // namespace embeval::remote
