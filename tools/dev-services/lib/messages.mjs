// Messages of dev-services in German and English. LC_ALL, LC_MESSAGES or LANG starting
// with "en" selects English, anything else German, as in the stadtdaten CLI.

export function language(env = process.env) {
  const value = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';

  return value.toLowerCase().startsWith('en') ? 'en' : 'de';
}

const MESSAGES = {
  usage: {
    de: () =>
      [
        'Aufruf: node tools/dev-services/dev-services.mjs <Befehl> [Dienst …]',
        '',
        'Befehle:',
        '  up [Dienst …]           installiert Fehlendes und startet die Dienste (laufende bleiben unberührt)',
        '  down [Dienst …] [--purge]  beendet die gestarteten Dienste; --purge löscht danach den Zustandsordner',
        '  status [Dienst …] [--json] eine Zeile je Dienst; Exit-Code 3, wenn einer nicht läuft',
        '  env [--json]            Umgebungsvariablen, mit denen die Plattform die Dienste erreicht',
        '  cert <Mandant> <Gerät>  erzeugt ein Client-Zertifikat (CN "<Mandant>/<Gerät>") für Mosquitto',
        '',
        'Dienste: kafka, mosquitto, mosquitto-sensorthings, influxdb, postgres, keycloak',
        'Zustandsordner: STADTDATEN_DEV_SERVICES_DIR, sonst <Repository>/var/dev-services',
      ].join('\n'),
    en: () =>
      [
        'Usage: node tools/dev-services/dev-services.mjs <command> [service …]',
        '',
        'Commands:',
        '  up [service …]          installs what is missing and starts the services (running ones are left alone)',
        '  down [service …] [--purge]  stops the started services; --purge then deletes the state folder',
        '  status [service …] [--json] one line per service; exit code 3 if one is not running',
        '  env [--json]            environment variables with which the platform reaches the services',
        '  cert <tenant> <device>  creates a client certificate (CN "<tenant>/<device>") for Mosquitto',
        '',
        'Services: kafka, mosquitto, mosquitto-sensorthings, influxdb, postgres, keycloak',
        'State folder: STADTDATEN_DEV_SERVICES_DIR, else <repository>/var/dev-services',
      ].join('\n'),
  },
  unknownCommand: {
    de: (command) =>
      `unbekannter Befehl "${command}"; erlaubt sind up, down, status, env, cert (Hilfe: help)`,
    en: (command) => `unknown command "${command}"; use up, down, status, env or cert (see help)`,
  },
  unknownService: {
    de: (name, known) => `unbekannter Dienst "${name}"; erlaubt sind ${known}`,
    en: (name, known) => `unknown service "${name}"; use ${known}`,
  },
  unknownOption: {
    de: (option) => `unbekannte Option "${option}"; siehe help`,
    en: (option) => `unknown option "${option}"; see help`,
  },
  failed: { de: (text) => `Fehler: ${text}`, en: (text) => `error: ${text}` },
  stateDir: { de: (dir) => `Zustandsordner ${dir}`, en: (dir) => `state folder ${dir}` },
  aptInstall: {
    de: (packages) => `installiere Debian-Pakete: ${packages}`,
    en: (packages) => `installing Debian packages: ${packages}`,
  },
  aptNeedsRoot: {
    de: (packages) =>
      `Debian-Pakete fehlen: ${packages}; installieren mit: sudo apt-get install -y ${packages}`,
    en: (packages) =>
      `missing Debian packages: ${packages}; install them with: sudo apt-get install -y ${packages}`,
  },
  commandFailed: {
    de: (command, code, detail) => `"${command}" ist mit Code ${code} fehlgeschlagen: ${detail}`,
    en: (command, code, detail) => `"${command}" failed with code ${code}: ${detail}`,
  },
  commandTimedOut: {
    de: (command, seconds) => `"${command}" hat nach ${seconds} s nicht geendet und wurde abgebrochen`,
    en: (command, seconds) => `"${command}" timed out after ${seconds} s and was stopped`,
  },
  commandMissing: {
    de: (command, fix) => `Programm "${command}" nicht gefunden; ${fix}`,
    en: (command, fix) => `program "${command}" not found; ${fix}`,
  },
  javaTooOld: {
    de: (found, needed) =>
      `Java ${found} gefunden, ${needed} oder neuer nötig; JAVA_HOME auf ein passendes JDK setzen`,
    en: (found, needed) => `found Java ${found}, need ${needed} or newer; set JAVA_HOME to a suitable JDK`,
  },
  javaWithoutCompiler: {
    de: (java) =>
      `${java} ist eine Java-Laufzeit ohne Compiler (Modul jdk.compiler), die kafka/KafkaSecurity.java braucht; ein JDK installieren (Debian: apt-get install openjdk-17-jdk-headless) oder JAVA_HOME darauf setzen`,
    en: (java) =>
      `${java} is a Java runtime without the compiler (module jdk.compiler) that kafka/KafkaSecurity.java needs; install a JDK (Debian: apt-get install openjdk-17-jdk-headless) or point JAVA_HOME to one`,
  },
  download: {
    de: (artifact) => `lade ${artifact} von Maven Central`,
    en: (artifact) => `downloading ${artifact} from Maven Central`,
  },
  cached: {
    de: (artifact) => `${artifact} liegt schon im Cache`,
    en: (artifact) => `${artifact} is already cached`,
  },
  unpack: { de: (file) => `entpacke ${file}`, en: (file) => `unpacking ${file}` },
  writeConfig: { de: (file) => `schreibe ${file}`, en: (file) => `writing ${file}` },
  step: { de: (text) => text.de, en: (text) => text.en },
  starting: {
    de: (log) => `starte (Log: ${log})`,
    en: (log) => `starting (log: ${log})`,
  },
  waiting: {
    de: (address, seconds) => `warte bis ${address} antwortet (höchstens ${seconds} s)`,
    en: (address, seconds) => `waiting for ${address} to answer (at most ${seconds} s)`,
  },
  ready: {
    de: (address, pid, seconds) => `bereit auf ${address} (PID ${pid}, ${seconds} s)`,
    en: (address, pid, seconds) => `ready on ${address} (PID ${pid}, ${seconds} s)`,
  },
  alreadyRunning: {
    de: (pid) => `läuft schon (PID ${pid}), bleibt unberührt`,
    en: (pid) => `already running (PID ${pid}), left alone`,
  },
  portInUse: {
    de: (address) =>
      `${address} ist von einem anderen Prozess belegt; ihn beenden (z. B. ss -ltnp zeigt ihn) und up erneut aufrufen`,
    en: (address) => `${address} is used by another process; stop it (ss -ltnp shows it) and run up again`,
  },
  notReady: {
    de: (service, address, seconds, log) =>
      `${service} antwortet nach ${seconds} s nicht auf ${address}; Log ansehen: ${log}, dann "down ${service}" und "up ${service}"`,
    en: (service, address, seconds, log) =>
      `${service} did not answer on ${address} within ${seconds} s; read ${log}, then run "down ${service}" and "up ${service}"`,
  },
  exitedEarly: {
    de: (service, log) => `${service} hat sich beim Start beendet; Ursache steht in ${log}`,
    en: (service, log) => `${service} exited during start; the cause is in ${log}`,
  },
  upFailed: {
    de: (services) => `nicht gestartet: ${services}; die übrigen Dienste laufen weiter ("down" beendet sie)`,
    en: (services) => `not started: ${services}; the other services keep running ("down" stops them)`,
  },
  upDone: {
    de: (seconds) => `alle Dienste bereit nach ${seconds} s; "env" zeigt die Adressen`,
    en: (seconds) => `all services ready after ${seconds} s; "env" prints the addresses`,
  },
  stopping: {
    de: (pid, signal) => `beende PID ${pid} mit ${signal}`,
    en: (pid, signal) => `stopping PID ${pid} with ${signal}`,
  },
  killed: {
    de: (pid, seconds) => `PID ${pid} hat nach ${seconds} s nicht geendet; SIGKILL gesendet`,
    en: (pid, seconds) => `PID ${pid} did not exit within ${seconds} s; sent SIGKILL`,
  },
  stopped: { de: () => 'beendet', en: () => 'stopped' },
  notRunning: { de: () => 'läuft nicht', en: () => 'not running' },
  stalePid: {
    de: (pid) => `PID-Datei nennt ${pid}, aber dieser Prozess gehört nicht (mehr) zum Dienst; Datei entfernt`,
    en: (pid) => `PID file names ${pid}, but that process is not (or no longer) the service; file removed`,
  },
  stillAlive: {
    de: (service, pid) =>
      `${service} (PID ${pid}) lebt auch nach SIGKILL noch; bitte von Hand prüfen: ps -p ${pid}`,
    en: (service, pid) => `${service} (PID ${pid}) is still alive after SIGKILL; check by hand: ps -p ${pid}`,
  },
  purged: { de: (dir) => `Zustandsordner ${dir} gelöscht`, en: (dir) => `deleted state folder ${dir}` },
  purgeRefused: {
    de: (dir) =>
      `${dir} trägt keine Markierungsdatei .stadtdaten-dev-services und wird daher nicht gelöscht; von Hand prüfen und löschen`,
    en: (dir) =>
      `${dir} has no marker file .stadtdaten-dev-services, so it is not deleted; check and delete it by hand`,
  },
  statusRunning: { de: () => 'läuft', en: () => 'running' },
  statusStopped: { de: () => 'gestoppt', en: () => 'stopped' },
  notInitialized: {
    de: (dir) => `${dir} enthält noch keine Zugangsdaten; zuerst "up" aufrufen`,
    en: (dir) => `${dir} holds no credentials yet; run "up" first`,
  },
  invalidTenant: {
    de: (value) => `ungültiger Mandant "${value}"; erlaubt ist ^[a-z][a-z0-9-]{1,62}$`,
    en: (value) => `invalid tenant "${value}"; it must match ^[a-z][a-z0-9-]{1,62}$`,
  },
  invalidDevice: {
    de: (value) => `ungültige Geräte-ID "${value}"; erlaubt ist ^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$`,
    en: (value) => `invalid device id "${value}"; it must match ^[A-Za-z0-9][A-Za-z0-9_:-]{0,127}$`,
  },
  reservedDevice: {
    de: (value) =>
      `Geräte-ID "${value}" ist reserviert: unter stadtdaten/<Mandant>/${value}/ veröffentlicht die Plattform eigene Nachrichten, und das Zertifikat dürfte dorthin schreiben; andere Geräte-ID wählen`,
    en: (value) =>
      `device id "${value}" is reserved: the platform publishes its own messages below stadtdaten/<tenant>/${value}/, and the certificate could write there; choose another device id`,
  },
  commonNameTooLong: {
    de: (value) =>
      `CN "${value}" ist länger als 64 Zeichen (Grenze von X.509); kürzere Mandanten- oder Geräte-ID wählen`,
    en: (value) =>
      `CN "${value}" is longer than 64 characters (the X.509 limit); choose a shorter tenant or device id`,
  },
  certUsage: {
    de: () => 'Aufruf: dev-services.mjs cert <Mandant> <Gerät>, z. B. cert darmstadt pegel-01',
    en: () => 'usage: dev-services.mjs cert <tenant> <device>, e.g. cert darmstadt pegel-01',
  },
  certExists: {
    de: (file) => `Zertifikat ${file} existiert schon, bleibt unverändert`,
    en: (file) => `certificate ${file} already exists, left unchanged`,
  },
  certCreated: { de: (file) => `Zertifikat ${file} erzeugt`, en: (file) => `created certificate ${file}` },
  realmChanged: {
    de: (dir) =>
      `Realm-Datei geändert, aber Keycloak behält den schon importierten Realm; zum Neuimport ${dir} löschen`,
    en: (dir) =>
      `realm file changed, but Keycloak keeps the realm it imported before; delete ${dir} to import again`,
  },
};

export function message(key, ...args) {
  return MESSAGES[key][language()](...args);
}

/** Writes one progress line to stderr, prefixed with the service it concerns. */
export function logStep(service, key, ...args) {
  process.stderr.write(`dev-services${service ? ` [${service}]` : ''}: ${message(key, ...args)}\n`);
}

/** Writes a step that has no fixed message: `text` is `{ de, en }`. */
export function logText(service, text) {
  logStep(service, 'step', text);
}
