-- wrk script for bench/load_bench.py and bench/keepalive_soak.py: each connection sends
-- prepared requests (a student's cookie, a path, maybe a form body) read from a file.
--
-- Environment:
--   WRK_REQUESTS   file of prepared requests, one a line: METHOD \t PATH \t COOKIE \t BODY
--   WRK_ONCE       "1": each request is sent once (a submit can be posted only once per
--                  attempt); the lines are shared out between the threads, and a thread goes
--                  quiet when its share is used up. Otherwise the lines are walked round.
--   WRK_THREADS    the -t given to wrk (to share the lines out)
--   WRK_EXPECT     "200" (the default): a success is a 200; "review": a success is a redirect
--                  to an attempt's review page (a graded submit)
--   WRK_THINK_MS   optional: a random pause of 0..N ms before each request (a student reading)
--   WRK_AGENT      the User-Agent to send (the session was made with it: Flask-Login's
--                  "strong" session protection ties a session to the address and agent)
--
-- done() prints one line "RESULT {json}" with the counts and latency percentiles (in µs), and
-- the status of each bad answer.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local prepared = {}
local position = 0
-- globals: done() reads them with thread:get()
ok, bad = 0, 0
-- the statuses of the bad answers, "503 503 200 " (few: a bad answer is rare)
bad_statuses = ""
local once = os.getenv("WRK_ONCE") == "1"
local expect = os.getenv("WRK_EXPECT") or "200"
local think = tonumber(os.getenv("WRK_THINK_MS") or "0")

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
  local me = id or 0
  local agent = os.getenv("WRK_AGENT") or "quizapp-load-bench"
  local index = 0
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    if line ~= "" then
      if (not once) or (index % nthreads == me) then
        local f = split(line)
        local headers = { ["User-Agent"] = agent }
        if f[3] ~= "" then headers["Cookie"] = f[3] end
        local body = nil
        if f[4] ~= nil and f[4] ~= "" then
          body = f[4]
          headers["Content-Type"] = "application/x-www-form-urlencoded"
        end
        table.insert(prepared, wrk.format(f[1], f[2], headers, body))
      end
      index = index + 1
    end
  end
  if think > 0 then
    math.randomseed(os.time() + me)
  end
end

local reserved = 0
local filler = nil

function request()
  if once then
    if reserved == 0 then
      -- wrk calls request() once before the run to check the script, and never sends that
      -- request: hand it the first one without using it up.
      return prepared[1] or wrk.format("GET", "/auth/login")
    end
    position = position + 1
    if prepared[position] == nil then
      -- Only after a reconnect (which skips delay()): a page that is no graded submit.
      filler = filler or wrk.format("GET", "/auth/login")
      return filler
    end
    return prepared[position]
  end
  position = position % #prepared + 1
  return prepared[position]
end

-- Called before each request() when defined. Once-only requests are handed out here, one per
-- connection that is about to send: when a thread's share is used up its connections pause
-- for ten minutes, so nothing more is sent while the others finish (bench/load_bench.py ends
-- wrk with SIGINT once every prepared request is answered, and wrk then reports the time it
-- really ran). With WRK_THINK_MS, a student's reading time before each request.
if once or think > 0 then
  function delay()
    if once then
      if reserved >= #prepared then
        return 600000
      end
      reserved = reserved + 1
    end
    if think > 0 then
      return math.random(0, think)
    end
    return 0
  end
end

function response(status, headers, body)
  if expect == "review" then
    local location = headers["Location"] or headers["location"] or ""
    if (status == 302 or status == 303) and location:find("/review") then
      ok = ok + 1
    else
      bad = bad + 1
      bad_statuses = bad_statuses .. status .. " "
    end
  elseif status == 200 then
    ok = ok + 1
  else
    bad = bad + 1
    bad_statuses = bad_statuses .. status .. " "
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad, statuses = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_ok = total_ok + (thread:get("ok") or 0)
    total_bad = total_bad + (thread:get("bad") or 0)
    statuses = statuses .. (thread:get("bad_statuses") or "")
  end
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "ok": %d, "bad": %d, '
      .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "bad_statuses": "%s"}\n',
    summary.requests, summary.duration, total_ok, total_bad,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    statuses))
end
