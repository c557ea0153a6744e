#!/bin/bash
# Only bash has [[ ]] and BASH_VERSION: run by /bin/sh (dash), this fails.
[[ -n ${BASH_VERSION:-} ]] || exit 9
echo "interpreter: bash; arguments: $#: $1|$2"
