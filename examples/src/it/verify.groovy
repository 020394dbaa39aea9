// Runs after standalone-service's own build (its tests included) passed: the project that imports the BOM must
// resolve exactly the versions a module of this reactor resolves for the same dependencies.
def read = { String path ->
    new File(path).readLines()
            .collect { it.trim().replaceFirst(/ -- .*$/, '') }
            .findAll { it ==~ /[^ :]+:[^ :]+:.*:.*/ }
            .toSorted()
}
def reactor = read(reactorList)
def standalone = read(standaloneList)
assert reactor.size() > 50 : "reactor-dependencies.txt lists only ${reactor.size()} artifacts"
def onlyReactor = reactor - standalone
def onlyStandalone = standalone - reactor
assert onlyReactor.isEmpty() && onlyStandalone.isEmpty() :
        "resolved versions differ\n  reactor only: ${onlyReactor.join('\n    ')}\n  standalone only: ${onlyStandalone.join('\n    ')}"
println "standalone-service resolves the reactor's versions: ${reactor.size()} artifacts, none different"
