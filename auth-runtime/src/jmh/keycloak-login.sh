#!/usr/bin/env bash
# Browser login against a real Keycloak, through nginx with the snippet of docs/login.md ("## Behind nginx"),
# with the client configured as the "## Keycloak" table of that page says. Checks, in order:
#   1. a login with curl as the browser: /app/ → /oauth2/start → Keycloak's login form → callback → /app/,
#      and the backend sees X-Auth-Request-User/-Email (and groups, and the access token);
#   2. Keycloak refuses a code without the PKCE verifier (and an authorization request without a challenge);
#   3. /oauth2/sign_out → Keycloak's end-session endpoint with id_token_hint → /app/ wants a login again;
#   4. back-channel logout: Keycloak's admin "log out" of the user posts a logout token to the runtime
#      (through nginx), after which /app/ wants a login again;
#   5. the time of the callback request (the runtime's share of a login: code exchange, ID token checks,
#      session stored in Redis) over LOGINS logins.
# Everything listens on 127.0.0.1, random free ports; every process started here is stopped on exit.
# Needs the build first: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -q -pl auth-runtime -am install -DskipTests
# Usage: auth-runtime/src/jmh/keycloak-login.sh            (LOGINS=5 by default; KEEP=1 keeps the work dir and logs)
#        KC_FRONTCHANNEL=true auth-runtime/src/jmh/keycloak-login.sh  turns the client's "Front channel logout"
#        on (the admin console's proposal for a new client): Keycloak then posts no logout token, and step 6 fails.
#
# Cookies: the runtime's cookies are __Host-…; Secure. curl (7.88) does not even store a Secure cookie that
# comes over plain http, so the jar cannot carry them. The browser's cookies for nginx (the app host) are
# therefore kept here: each answer's Set-Cookie headers update a small file, and requests to nginx send them
# as a Cookie header (an expired or Max-Age=0 cookie is dropped, as a browser would). Keycloak's own cookies
# (not Secure over http) stay in curl's jar.
set -euo pipefail
cd "$(dirname "$0")/../../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
version=26.5.6
logins=${LOGINS:-5}
jar_file=$PWD/auth-runtime/target/auth-runtime.jar
[ -f "$jar_file" ] || { echo "build the runtime first: $jar_file is missing" >&2; exit 1; }
work=$(mktemp -d /tmp/keycloak-login.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "work dir kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# Each process in its own process group (setsid), so that the group (kc.sh's java, nginx's workers) stops too.
start() { local log=$1; shift; setsid "$@" > "$work/$log" 2>&1 & pids+=($!); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { local what=$1 url=$2 n=$3; for _ in $(seq 1 "$n"); do curl -sf -o /dev/null "$url" && return 0; sleep 1; done
  echo "$what did not come up ($url)" >&2; return 1; }
json() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1:]: v=v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$@"; }
ok() { echo "  ok: $*"; }
fail() { echo "  FAILED: $*" >&2; exit 1; }

kc_port=$(free_port); rt_port=$(free_port); mgmt_port=$(free_port); admin_port=$(free_port)
nginx_port=$(free_port); backend_port=$(free_port); redis_port=$(free_port)
kc=http://127.0.0.1:$kc_port
realm=$kc/realms/shop
app=http://127.0.0.1:$nginx_port

# ---------------------------------------------------------------- Keycloak, Redis, backend
zip=$HOME/.m2/repository/org/keycloak/keycloak-quarkus-dist/$version/keycloak-quarkus-dist-$version.zip
[ -f "$zip" ] || mvn -B -q dependency:get -Dartifact=org.keycloak:keycloak-quarkus-dist:$version:zip
unzip -q "$zip" -d "$work"
# (the --add-opens is the one Keycloak's own threads ask for on JDK 24+; without it they log an IllegalAccessError)
JAVA_OPTS_APPEND="--add-opens=java.base/java.lang=ALL-UNNAMED" KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  start keycloak.log "$work/keycloak-$version/bin/kc.sh" start-dev --http-port "$kc_port" --http-host 127.0.0.1
start redis.log redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work"

# The backend echoes what nginx tells it about the user.
cat > "$work/backend.py" <<'PY'
import http.server, json, sys
class Echo(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        token = self.headers.get("X-Auth-Request-Access-Token")
        body = json.dumps({"path": self.path, "user": self.headers.get("X-Auth-Request-User"),
                           "email": self.headers.get("X-Auth-Request-Email"),
                           "groups": self.headers.get("X-Auth-Request-Groups"),
                           "accessToken": "present" if token else "none"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Echo).serve_forever()
PY
start backend.log python3 "$work/backend.py" "$backend_port"

echo "waiting for Keycloak $version on $kc ..."
wait_for Keycloak "$kc/realms/master" 300 || { tail -40 "$work/keycloak.log"; exit 1; }

# ---------------------------------------------------------------- 1. realm, user, client (docs/login.md "## Keycloak")
echo "1. realm shop, user alice (group customers), client shop-web as the Keycloak table says"
admin_token() { curl -sf -d client_id=admin-cli -d username=admin -d password=admin -d grant_type=password \
  "$kc/realms/master/protocol/openid-connect/token" | json access_token; }
admin=$(admin_token)
api() { curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$@"; }
api -X POST "$kc/admin/realms" -d '{"realm":"shop","enabled":true}'
api -X POST "$kc/admin/realms/shop/users" -d '{"username":"alice","enabled":true,"email":"alice@example.com",
  "emailVerified":true,"firstName":"Alice","lastName":"Example","credentials":[{"type":"password","value":"alice","temporary":false}]}'
user_id=$(api "$kc/admin/realms/shop/users?username=alice&exact=true" | json 0 id)
api -X POST "$kc/admin/realms/shop/groups" -d '{"name":"customers"}'
group_id=$(api "$kc/admin/realms/shop/groups?search=customers" | json 0 id)
api -X PUT "$kc/admin/realms/shop/users/$user_id/groups/$group_id"
secret=shop-web-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
api -X POST "$kc/admin/realms/shop/clients" -d @- <<JSON
{"clientId": "shop-web", "protocol": "openid-connect", "enabled": true,
 "publicClient": false, "clientAuthenticatorType": "client-secret", "secret": "$secret",
 "standardFlowEnabled": true, "directAccessGrantsEnabled": false, "implicitFlowEnabled": false,
 "serviceAccountsEnabled": false,
 "redirectUris": ["$app/oauth2/callback"],
 "webOrigins": ["$app"],
 "frontchannelLogout": ${KC_FRONTCHANNEL:-false},
 "attributes": {
   "post.logout.redirect.uris": "$app/*",
   "pkce.code.challenge.method": "S256",
   "backchannel.logout.url": "$app/oauth2/backchannel-logout",
   "backchannel.logout.session.required": "true",
   "backchannel.logout.revoke.offline.tokens": "false"},
 "protocolMappers": [{"name": "groups", "protocol": "openid-connect", "protocolMapper": "oidc-group-membership-mapper",
   "config": {"claim.name": "groups", "full.path": "false", "id.token.claim": "true", "access.token.claim": "true",
              "userinfo.token.claim": "true"}}]}
JSON
client_uuid=$(api "$kc/admin/realms/shop/clients?clientId=shop-web" | json 0 id)
api "$kc/admin/realms/shop/clients/$client_uuid" | python3 -c '
import json, sys; c = json.load(sys.stdin); a = c["attributes"]
print("  client:", {k: c[k] for k in ("publicClient", "standardFlowEnabled", "directAccessGrantsEnabled",
      "implicitFlowEnabled", "serviceAccountsEnabled", "frontchannelLogout", "redirectUris", "webOrigins")})
print("  attributes:", {k: a.get(k) for k in ("pkce.code.challenge.method", "post.logout.redirect.uris",
      "backchannel.logout.url", "backchannel.logout.session.required")})'

# ---------------------------------------------------------------- 2. runtime and nginx
echo "2. redis :$redis_port, runtime :$rt_port, nginx :$nginx_port, backend :$backend_port"
printf '%s' "$secret" > "$work/client-secret"
head -c 48 /dev/urandom > "$work/cookie-key"
cat > "$work/runtime.yaml" <<YAML
server: {port: $rt_port, managementPort: $mgmt_port, adminPort: $admin_port, trustedProxies: [127.0.0.1/32]}
issuers:
- name: keycloak
  issuerUrl: $realm
  audiences: [account]
redis:
  endpoints: ["127.0.0.1:$redis_port"]
sessions:
  store: Redis
  cookie:
    signingKeys: [{id: k1, file: $work/cookie-key}]
  passAccessToken: Header
  login:
    issuer: keycloak
    clientId: shop-web
    clientSecretFile: $work/client-secret
    scopes: [openid, profile, email]
    allowedRedirectDomains: [127.0.0.1]
YAML
# The packaged logback.xml, with the login package at DEBUG (a refused logout token is logged at DEBUG only).
python3 - "$work/logback.xml" <<'PY'
import sys, zipfile
xml = zipfile.ZipFile("auth-runtime/target/auth-runtime.jar").read("logback.xml").decode()
xml = xml.replace("<root ", '<logger name="io.authtier.runtime.login" level="DEBUG"/>\n  <root ', 1)
open(sys.argv[1], "w").write(xml)
PY
start runtime.log java -Dlogback.configurationFile="$work/logback.xml" -jar "$jar_file" --config "$work/runtime.yaml"

mkdir -p "$work/nginx/logs"
python3 - "$work/nginx/nginx.conf" "$rt_port" "$backend_port" "$nginx_port" <<'PY'
import re, sys
out, rt, backend, port = sys.argv[1:]
doc = open("docs/login.md").read()
section = doc.split("## Behind nginx", 1)[1]
snippet = re.search(r"```nginx\n(.*?)```", section, re.S).group(1)
snippet = snippet.replace("http://authtier:8080", "http://127.0.0.1:" + rt).replace("http://backend", "http://127.0.0.1:" + backend)
open(out, "w").write(f"""daemon off;
worker_processes 1;
error_log logs/error.log info;
pid logs/nginx.pid;
events {{ worker_connections 256; }}
http {{
  access_log logs/access.log;
  # the logout tokens Keycloak posts (read by proxy_pass, so $request_body is there), to show what they hold
  log_format bodies '$request_body';
  map $uri $is_logout {{ /oauth2/backchannel-logout 1; default 0; }}
  access_log logs/logout-tokens.log bodies if=$is_logout;
  client_body_temp_path tmp/body; proxy_temp_path tmp/proxy; fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi; scgi_temp_path tmp/scgi;
  server {{
    listen 127.0.0.1:{port};
{snippet}
  }}
}}
""")
PY
mkdir -p "$work/nginx/tmp"; chmod 777 "$work/nginx/tmp"
nginx -t -q -p "$work/nginx/" -c nginx.conf -e "$work/nginx/logs/error.log"
start nginx.log nginx -p "$work/nginx/" -c nginx.conf -e "$work/nginx/logs/error.log"
wait_for runtime "http://127.0.0.1:$mgmt_port/readyz" 120 || { tail -30 "$work/runtime.log"; exit 1; }
for _ in $(seq 1 30); do curl -s -o /dev/null "$app/" && break; sleep 0.5; done

# ---------------------------------------------------------------- the browser
# Keycloak's cookies live in curl's jar; the app host's (Secure) cookies in $work/app-cookies (see the top).
cat > "$work/cookies.py" <<'PY'
import json, os, sys, time
from http.cookies import SimpleCookie
from email.utils import parsedate_to_datetime
store = sys.argv[2]
jar = json.load(open(store)) if os.path.exists(store) else {}
if sys.argv[1] == "update":
    for line in open(sys.argv[3], encoding="latin-1"):
        if line.lower().startswith("set-cookie:"):
            raw = line.split(":", 1)[1].strip()
            c = SimpleCookie(); c.load(raw)
            for name, m in c.items():
                gone = m["max-age"] != "" and int(m["max-age"]) <= 0
                if m["expires"]:
                    gone = gone or parsedate_to_datetime(m["expires"]).timestamp() <= time.time()
                if gone or m.value == "":
                    jar.pop(name, None)
                else:
                    jar[name] = m.value
    json.dump(jar, open(store, "w"))
else:
    print("; ".join(f"{k}={v}" for k, v in jar.items()))
PY
# fetch URL [curl args…]: one request, no redirect following. Sets status, location (absolute), took (seconds).
fetch() {
  local url=$1; shift
  local extra=()
  if [[ $url == "$app"* ]]; then
    extra=(-H "Cookie: $(python3 "$work/cookies.py" header "$work/app-cookies")")
  else
    extra=(-b "$work/jar" -c "$work/jar")
  fi
  read -r status took < <(curl -s -o "$work/body" -D "$work/headers" -w '%{http_code} %{time_total}\n' "${extra[@]}" "$@" "$url")
  [[ $url == "$app"* ]] && python3 "$work/cookies.py" update "$work/app-cookies" "$work/headers"
  location=$(python3 -c 'import sys, urllib.parse
for l in open(sys.argv[2], encoding="latin-1"):
    if l.lower().startswith("location:"): print(urllib.parse.urljoin(sys.argv[1], l.split(":", 1)[1].strip())); break' "$url" "$work/headers")
  echo "    $status ${took}s $(echo "$url" | cut -c1-110)" >> "$work/trace"
}
# browse URL [stop_prefix]: follows redirects, stopping at a non-redirect or before a URL that starts with
# stop_prefix. Remembers the callback's time in callback_times. Sets url, status, location.
callback_times=()
browse() {
  url=$1; local stop=${2:-}
  for _ in $(seq 1 15); do
    fetch "$url"
    [[ $url == "$app/oauth2/callback"* ]] && callback_times+=("$took")
    [[ $status == 30? && -n $location ]] || return 0
    [[ -n $stop && $location == "$stop"* ]] && return 0
    url=$location
  done
  fail "too many redirects"
}
# Submits Keycloak's login form of the page in $work/body, then follows redirects. Prints nothing.
submit_login() {
  local action
  action=$(python3 -c 'import html.parser, sys
class P(html.parser.HTMLParser):
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == "kc-form-login": print(a["action"])
P().feed(open(sys.argv[1]).read())' "$work/body")
  [ -n "$action" ] || fail "no login form on the page (status $status, $url)"
  fetch "$action" --data-urlencode username=alice --data-urlencode password=alice --data-urlencode credentialId=
  [[ $status == 302 ]] || fail "login form answered $status"
  browse "$location"
}
is_login_page() { grep -q 'id="kc-form-login"' "$work/body"; }
login() { # a fresh browser (no cookies at all) opens /app/ and logs in
  rm -f "$work/jar" "$work/app-cookies"
  browse "$app/app/"
  is_login_page || fail "expected Keycloak's login page, got $status at $url"
  submit_login
}
sessions_in_redis() { redis-cli -p "$redis_port" --scan --pattern 'authtier:session:*' | wc -l; }

# ---------------------------------------------------------------- 3. browser login
echo "3. browser login through nginx"
: > "$work/trace"
login
sed 's/^/  /' "$work/trace"
[[ $status == 200 && $url == "$app/app/" ]] || fail "ended at $status $url"
echo "  backend saw: $(cat "$work/body")"
[ "$(json user < "$work/body")" = "$user_id" ] || [ "$(json user < "$work/body")" = alice ] || fail "no user"
[ "$(json email < "$work/body")" = alice@example.com ] || fail "no email"
ok "the backend got X-Auth-Request-User and X-Auth-Request-Email (groups: $(json groups < "$work/body"), access token: $(json accessToken < "$work/body"))"
echo "  /oauth2/userinfo: $(curl -s -H "Cookie: $(python3 "$work/cookies.py" header "$work/app-cookies")" "$app/oauth2/userinfo")"

# ---------------------------------------------------------------- 4. PKCE
echo "4. Keycloak and PKCE"
# The browser still has its Keycloak session: a new /oauth2/start comes back from Keycloak with a code at once.
browse "$app/oauth2/start?rd=/app/" "$app/oauth2/callback"
[[ $location == "$app/oauth2/callback"*code=* ]] || fail "no code from Keycloak ($status $url)"
code=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.parse_qs(urllib.parse.urlsplit(sys.argv[1]).query)["code"][0])' "$location")
answer=$(curl -s -w ' %{http_code}' -u "shop-web:$secret" -d grant_type=authorization_code --data-urlencode "code=$code" \
  --data-urlencode "redirect_uri=$app/oauth2/callback" "$realm/protocol/openid-connect/token")
echo "  token endpoint without code_verifier: $answer"
[[ $answer == *' 400' && ( $answer == *invalid_grant* || $answer == *invalid_request* ) ]] || fail "Keycloak took a code without its verifier"
ok "Keycloak refuses the code without the verifier"
challenge_less=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$realm/protocol/openid-connect/auth?client_id=shop-web&response_type=code&scope=openid&redirect_uri=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$app/oauth2/callback")&state=x")
echo "  authorization request without code_challenge: $challenge_less"
[[ $challenge_less == *error=invalid_request* ]] && ok "Keycloak refuses an authorization request without a challenge"

# ---------------------------------------------------------------- 5. sign-out
echo "5. sign-out through nginx"
fetch "$app/app/"
[[ $status == 200 ]] || fail "not logged in before sign-out ($status)"
fetch "$app/oauth2/sign_out?rd=/app/" -H "Sec-Fetch-Site: same-origin"   # as a browser following the app's link
echo "  sign_out: $status -> $(echo "$location" | cut -c1-160)..."
[[ $status == 302 && $location == "$realm/protocol/openid-connect/logout?"* && $location == *id_token_hint=* ]] \
  || fail "sign_out did not send the browser to Keycloak's end-session endpoint with id_token_hint"
ok "redirect to Keycloak's end_session_endpoint with id_token_hint"
browse "$location" "$app/app/"
echo "  Keycloak's end-session answered $status, to $location"
[[ $location == "$app/app/" ]] && ok "Keycloak sent the browser back to the post-logout redirect"
fetch "$app/app/"
[[ $status == 302 && $location == "$app/oauth2/start?rd=/app/" ]] || fail "/app/ after sign-out: $status $location"
ok "/app/ after sign-out: 302 to $location"
browse "$location"
is_login_page && ok "and Keycloak shows its login form again (its session ended too)"

# ---------------------------------------------------------------- 6. back-channel logout
echo "6. back-channel logout from Keycloak's admin API"
login
[[ $status == 200 && $url == "$app/app/" ]] || fail "second login ended at $status $url"
ok "logged in again; sessions in Redis: $(sessions_in_redis)"
admin=$(admin_token)
logout_lines_before=$(grep -c 'back-channel logout' "$work/runtime.log" || true)
api -X POST "$kc/admin/realms/shop/users/$user_id/logout"
sleep 1
echo "  runtime log since:"
{ grep 'back-channel logout' "$work/runtime.log" || true; } | tail -n +$((logout_lines_before + 1)) | sed 's/^/    /'
echo "  nginx: $(grep -c 'POST /oauth2/backchannel-logout' "$work/nginx/logs/access.log" || true) POST(s) to /oauth2/backchannel-logout: $(grep 'POST /oauth2/backchannel-logout' "$work/nginx/logs/access.log" | awk '{print $9}' | paste -sd' ')"
python3 - "$work/nginx/logs/logout-tokens.log" <<'PY'
import base64, json, sys, urllib.parse
lines = open(sys.argv[1]).read().strip().splitlines()
if not lines:
    print("  Keycloak posted no logout token"); sys.exit()
body = lines[-1]
token = urllib.parse.parse_qs(body.replace("\\x", "%"))["logout_token"][0]
part = lambda p: json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
header, claims = part(token.split(".")[0]), part(token.split(".")[1])
print("  Keycloak's logout token: header", header)
print("    claims:", {k: (v if k in ("typ", "events", "aud", "revoke_offline_access") else type(v).__name__) for k, v in claims.items()},
      "exp-iat:", claims.get("exp", 0) - claims.get("iat", 0), "s")
PY
fetch "$app/app/"
echo "  /app/ after Keycloak's logout: $status $location"
if [[ $status == 302 && $location == "$app/oauth2/start"* ]]; then
  ok "the back-channel logout ended the runtime's session; sessions in Redis: $(sessions_in_redis)"
  backchannel=ok
else
  echo "  FAILED: the session survived Keycloak's logout (see the runtime log above)" >&2
  backchannel=failed
fi
curl -s "http://127.0.0.1:$mgmt_port/metrics" | grep -E '^authtier_(logouts_total|logins_total)' | sed 's/^/    /'

# ---------------------------------------------------------------- 7. callback time
echo "7. callback time over $logins more logins"
for _ in $(seq 1 "$logins"); do
  login
  [[ $status == 200 ]] || fail "login ended at $status"
done
python3 - "${callback_times[@]}" <<'PY'
import statistics, sys
t = sorted(float(x) * 1000 for x in sys.argv[1:])
print(f"  GET /oauth2/callback through nginx, {len(t)} logins: min {t[0]:.1f} ms, median {statistics.median(t):.1f} ms,"
      f" max {t[-1]:.1f} ms  (all: {', '.join(f'{x:.1f}' for x in t)})")
PY
curl -s "http://127.0.0.1:$mgmt_port/metrics" | grep -E 'authtier_http_request_duration_seconds_(sum|count)\{.*oauth2_callback' | sed 's/^/    /' || true

[ "$backchannel" = ok ] || exit 1
echo "all steps passed"
