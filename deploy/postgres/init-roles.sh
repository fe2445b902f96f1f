#!/bin/sh
# The postgres service's first start (docker-compose.yml mounts this in /docker-entrypoint-initdb.d, which the image
# runs once, on an empty data volume): the lab's roles of least privilege, with the passwords compose passes in.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v coordinator_password="$LOTTERY_COORDINATOR_PASSWORD" \
  -v trainer_password="$LOTTERY_TRAINER_PASSWORD" \
  -v reader_password="$LOTTERY_READER_PASSWORD" \
  -f /lottery/roles.sql
