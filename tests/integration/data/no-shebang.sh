# No interpreter line: /bin/sh runs it, as a shell would.
echo "interpreter: ${BASH_VERSION:-sh}"
