# Sourced by ./strata and ./run-tests. Finds a JDK >= 21 and exports JAVA_HOME, or explains what to
# install and exits. A JDK (with javac) is needed because the launcher builds Strata on first run.
# Looks at: $JAVA_HOME, the java on PATH, then the usual install folders.

strata_required_java=21

strata_java_major() { # $1 = a java executable; prints its major version
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1 | sed 's/^1\.//'
}

strata_is_suitable_jdk() { # $1 = a JAVA_HOME candidate
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 1
  local major
  major=$(strata_java_major "$1/bin/java")
  [ -n "$major" ] && [ "$major" -ge "$strata_required_java" ] 2>/dev/null
}

strata_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && strata_is_suitable_jdk "$JAVA_HOME"; then
    echo "$JAVA_HOME"; return 0
  fi
  if command -v java >/dev/null 2>&1; then
    local on_path
    on_path=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    if strata_is_suitable_jdk "$on_path"; then echo "$on_path"; return 0; fi
  fi
  # Newest first: sort the candidates by their major version.
  local best="" best_major=0 candidate major
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
                   "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -d "$candidate" ] || continue
    strata_is_suitable_jdk "$candidate" || continue
    major=$(strata_java_major "$candidate/bin/java")
    if [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  [ -n "$best" ] && { echo "$best"; return 0; }
  return 1
}

if ! STRATA_JDK=$(strata_find_jdk); then
  cat >&2 <<MSG
strata: no JDK $strata_required_java or newer was found.
  Looked at \$JAVA_HOME (${JAVA_HOME:-unset}), the java on PATH, and /usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks.
  Install one, for example:
    Debian/Ubuntu:  sudo apt-get install openjdk-21-jdk   (or temurin-21-jdk from adoptium.net)
    SDKMAN:         sdk install java 21-tem
  or point JAVA_HOME at an existing JDK 21+.
MSG
  exit 1
fi
export JAVA_HOME="$STRATA_JDK"
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.9 uses sun.misc.Unsafe through Guice; JDK 24+ warns about it on every run. Quiet that
# warning only where the flag exists (older JDKs reject unknown options).
if [ "$(strata_java_major "$JAVA_HOME/bin/java")" -ge 24 ]; then
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
