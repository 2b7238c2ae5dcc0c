#!/usr/bin/env bash
# Configures a running Payara Server 6 domain for the messenger and deploys the WAR (README, "Deploying to a
# full server install"). Safe to run again: existing resources are kept, settings are overwritten, the WAR is
# redeployed. The Micro post-boot files are not used as they are: their relative paths and ${ENV=PWD} would
# resolve against the domain's working folder (domains/<name>/config) and the environment of whoever started
# the domain.
#
# usage: full-domain-setup.sh <asadmin> <public-key.pem> [messenger.war]
# asadmin options from the environment: AS_ADMIN_PORT (default 4848), AS_ADMIN_HOST, AS_ADMIN_USER, ...
# optional: DB_URL, DB_USER, DB_PASSWORD and POSTGRESQL_JAR for PostgreSQL (else H2 in <domain>/messenger-data),
# MP_JWT_VERIFY_ISSUER, MESSENGER_PRODUCTION, DEV_PRIVATE_KEY (opens POST /api/dev/tokens; development only).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 <asadmin> <public-key.pem> [messenger.war]" >&2
  exit 2
fi
asadmin=$1
public_key=$(realpath "$2")
war=$(realpath "${3:-target/messenger.war}")
here=$(dirname "$(realpath "$0")")

prop() { "$asadmin" set-config-property --source=domain --propertyName="$1" --propertyValue="$2"; }

# The HTTP worker pool, exactly as on Payara Micro (server-config is the DAS's own configuration).
"$asadmin" multimode --file "$here/pre-boot-commands.asadmin"

prop mp.jwt.verify.publickey.location "file://$public_key"
# Expanded by the server at run time: the domain folder, whatever folder the domain was started from.
prop messenger.attachments.dir '${com.sun.aas.instanceRoot}/messenger-data/attachments'
if [[ -n ${MP_JWT_VERIFY_ISSUER:-} ]]; then prop mp.jwt.verify.issuer "$MP_JWT_VERIFY_ISSUER"; fi
if [[ -n ${MESSENGER_PRODUCTION:-} ]]; then prop messenger.production "$MESSENGER_PRODUCTION"; fi
if [[ -n ${DEV_PRIVATE_KEY:-} ]]; then prop messenger.dev.private-key.location "file://$(realpath "$DEV_PRIVATE_KEY")"; fi

if ! "$asadmin" list-jdbc-resources | grep -qx 'jdbc/messenger'; then
  if [[ -n ${DB_URL:-} ]]; then
    # The driver goes into the domain's lib/ folder, read at start-up: restart the domain afterwards.
    "$asadmin" add-library "${POSTGRESQL_JAR:?POSTGRESQL_JAR: path of the PostgreSQL driver jar}"
    restart=1
    "$asadmin" create-jdbc-connection-pool --restype java.sql.Driver --driverclassname org.postgresql.Driver \
      --steadypoolsize 2 messengerPool
    "$asadmin" set "resources.jdbc-connection-pool.messengerPool.property.user=${DB_USER:?}"
    "$asadmin" set "resources.jdbc-connection-pool.messengerPool.property.password=${DB_PASSWORD:?}"
  else
    "$asadmin" create-jdbc-connection-pool --datasourceclassname org.h2.jdbcx.JdbcDataSource \
      --restype javax.sql.DataSource --property 'user=messenger:password=messenger' messengerPool
    DB_URL='jdbc:h2:${com.sun.aas.instanceRoot}/messenger-data/messenger;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=3000;CACHE_SIZE=2048'
  fi
  # With set, the URL needs no escaping (--property splits on ':' and '=').
  "$asadmin" set "resources.jdbc-connection-pool.messengerPool.property.url=$DB_URL"
  "$asadmin" create-jdbc-resource --connectionpoolid messengerPool jdbc/messenger
fi

if [[ -n ${restart:-} ]]; then
  echo "restart the domain (asadmin restart-domain), then run this script again to deploy" >&2
  exit 3
fi
"$asadmin" ping-connection-pool messengerPool
"$asadmin" deploy --force=true "$war"
