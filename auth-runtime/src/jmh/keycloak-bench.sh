#!/usr/bin/env bash
# /auth against Keycloak's own introspection, one call per request (docs/benchmarks.md).
# Starts Keycloak (start-dev, loopback only), makes a realm, a confidential client and a user, takes an
# access token, runs io.authtier.runtime.bench.KeycloakBaseline, and stops Keycloak.
# Needs the build first: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -q -pl auth-runtime -am install -DskipTests
# Usage: auth-runtime/src/jmh/keycloak-bench.sh [connections seconds warmup rounds]
#    or: auth-runtime/src/jmh/keycloak-bench.sh wrk [connections seconds rounds]
#        (wrk, Debian's package: the packaged runtime jar against Keycloak's introspection endpoint itself,
#        whose throughput bounds any one-call-per-request baseline from above)
set -euo pipefail
cd "$(dirname "$0")/../../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
export PATH="$JAVA_HOME/bin:$PATH"
version=26.5.6
port=${KC_PORT:-18080}
base=http://127.0.0.1:$port
work=$(mktemp -d)
kc_pid=""
trap '[ -n "$kc_pid" ] && kill "$kc_pid" 2>/dev/null; rm -rf "$work"' EXIT

json() { python3 -c "import json,sys; print(json.load(sys.stdin)[sys.argv[1]])" "$1"; }

mvn -B -q dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$version:zip -DoutputDirectory="$work"
unzip -q "$work/keycloak-quarkus-dist-$version.zip" -d "$work"
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$work/keycloak-$version/bin/kc.sh" start-dev --http-port "$port" --http-host 127.0.0.1 > "$work/keycloak.log" 2>&1 &
kc_pid=$!
echo "waiting for Keycloak on $base ..."
for _ in $(seq 1 180); do
  curl -sf "$base/realms/master" > /dev/null && break
  sleep 1
done
curl -sf "$base/realms/master" > /dev/null || { tail -50 "$work/keycloak.log"; exit 1; }

admin=$(curl -sf -d client_id=admin-cli -d username=admin -d password=admin -d grant_type=password \
  "$base/realms/master/protocol/openid-connect/token" | json access_token)
api() { curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' "$@"; }
api -X POST "$base/admin/realms" -d '{"realm":"shop","enabled":true,"accessTokenLifespan":3600,"ssoSessionIdleTimeout":7200,"ssoSessionMaxLifespan":7200}'
api -X POST "$base/admin/realms/shop/clients" -d '{"clientId":"authtier","secret":"bench-secret","publicClient":false,
  "serviceAccountsEnabled":true,"standardFlowEnabled":false,"directAccessGrantsEnabled":true}'
api -X POST "$base/admin/realms/shop/users" -d '{"username":"alice","enabled":true,"email":"alice@example.com",
  "emailVerified":true,"firstName":"Alice","lastName":"Example","credentials":[{"type":"password","value":"alice","temporary":false}]}'

printf 'bench-secret' > "$work/secret"
curl -sf -d client_id=authtier -d client_secret=bench-secret -d grant_type=password -d username=alice -d password=alice \
  -d scope=openid "$base/realms/shop/protocol/openid-connect/token" | json access_token > "$work/token"

if [ "${1:-}" = wrk ]; then
  connections=${2:-64}; seconds=${3:-10}; rounds=${4:-3}
  rt_port=18090
  cat > "$work/runtime.yaml" <<YAML
server: {port: $rt_port, managementPort: 18091}
issuers:
- name: keycloak
  issuerUrl: $base/realms/shop
  audiences: [account]
YAML
  java -jar auth-runtime/target/auth-runtime.jar --config "$work/runtime.yaml" > "$work/runtime.log" 2>&1 &
  rt_pid=$!
  trap '[ -n "$kc_pid" ] && kill "$kc_pid" 2>/dev/null; kill "$rt_pid" 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:18091/readyz" > /dev/null && break; sleep 1; done
  token=$(cat "$work/token")
  test "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "http://127.0.0.1:$rt_port/auth")" = 200
  cat > "$work/introspect.lua" <<LUA
wrk.method = "POST"
wrk.body = "token=$token&token_type_hint=access_token"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'authtier:bench-secret' | base64 -w0)"
LUA
  summary() { grep -E "Requests/sec|^ +99%|^ +50%|Non-2xx|Socket errors" | tr -s ' ' | paste -sd' '; }
  # warm-up, both sides
  wrk -t2 -c"$connections" -d10s -s "$work/introspect.lua" "$base/realms/shop/protocol/openid-connect/token/introspect" > /dev/null
  wrk -t2 -c"$connections" -d5s -H "Authorization: Bearer $token" "http://127.0.0.1:$rt_port/auth" > /dev/null
  for round in $(seq 1 "$rounds"); do
    echo "round $round keycloak introspection: $(wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$work/introspect.lua" \
      "$base/realms/shop/protocol/openid-connect/token/introspect" | summary)"
    echo "round $round runtime /auth cached JWT: $(wrk -t2 -c"$connections" -d"${seconds}s" --latency \
      -H "Authorization: Bearer $token" "http://127.0.0.1:$rt_port/auth" | summary)"
  done
  exit 0
fi

mvn -B -q -pl auth-runtime -Pjmh test-compile exec:exec -Dbench.main=io.authtier.runtime.bench.KeycloakBaseline \
  -Dbench.args="$base/realms/shop authtier $work/secret $work/token ${1:-64} ${2:-10} ${3:-3} ${4:-3}" 2>/dev/null \
  | grep -v '^{"'
