#!/usr/bin/env bash
# /auth against Keycloak's own introspection, one call per request (docs/benchmarks.md).
# Starts Keycloak (start-dev, loopback only), makes a realm, a confidential client and a user, takes an
# access token, runs io.authtier.runtime.bench.KeycloakBaseline, and stops Keycloak.
# Needs the build first: JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -q -pl auth-runtime -am install -DskipTests
# Usage: auth-runtime/src/jmh/keycloak-bench.sh [connections seconds warmup rounds]
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

mvn -B -q -pl auth-runtime -Pjmh test-compile exec:exec -Dbench.main=io.authtier.runtime.bench.KeycloakBaseline \
  -Dbench.args="$base/realms/shop authtier $work/secret $work/token ${1:-64} ${2:-10} ${3:-3} ${4:-3}" 2>/dev/null \
  | grep -v '^{"'
