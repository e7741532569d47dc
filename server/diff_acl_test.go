package server_test

import (
	"testing"

	"sundial/internal/testserver"
)

// ACL answers about the default user, MODULE and replication commands
// answer as a standalone Redis does, COMMAND GETKEYSANDFLAGS follows the
// key specs.
func TestDiffACLAndAdmin(t *testing.T) {
	diff(t, []testserver.Case{
		C("acl whoami users", "ACL WHOAMI", "ACL USERS", "ACL LIST"),
		C("acl cat", "ACL CAT", "ACL CAT nosuch", "~ACL CAT hyperloglog", "~ACL CAT geo"),
		C("acl getuser", "ACL GETUSER default", "ACL GETUSER nosuch"),
		C("acl deluser", "ACL DELUSER default", "ACL DELUSER foo", "ACL DELUSER foo default"),
		C("acl genpass errors", "ACL GENPASS 0", "ACL GENPASS 5000", "ACL GENPASS abc", "!ACL GENPASS", "!ACL GENPASS 5"),
		C("acl setuser default", "ACL SETUSER default on nopass ~* &* +@all", "ACL LIST", "ACL SETUSER default badrule"),
		C("acl setuser password", "ACL SETUSER default >s3cret", "ACL LIST", "ACL GETUSER default", "AUTH s3cret", "ACL SETUSER default nopass", "ACL LIST"),
		C("acl dryrun", "ACL DRYRUN default get x", "ACL DRYRUN default nosuch", "ACL DRYRUN nosuch get x", "ACL DRYRUN default get"),
		C("acl load save help", "ACL LOAD", "ACL SAVE", "ACL HELP", "ACL FOO", "ACL"),
		C("acl log", "ACL LOG", "ACL LOG RESET", "ACL LOG 5", "ACL LOG abc"),
		C("module", "MODULE LIST", "MODULE LOAD /x.so", "MODULE HELP", "MODULE"),
		C("replicaof no one", "REPLICAOF NO ONE", "SLAVEOF no one", "REPLICAOF"),
		C("failover", "FAILOVER"),
		C("command getkeysandflags", "COMMAND GETKEYSANDFLAGS set a b", "COMMAND GETKEYSANDFLAGS get a",
			"COMMAND GETKEYSANDFLAGS mset a 1 b 2", "COMMAND GETKEYSANDFLAGS lmove a b left right",
			"COMMAND GETKEYSANDFLAGS zunionstore d 2 a b", `COMMAND GETKEYSANDFLAGS eval "return 1" 2 x y z`,
			"COMMAND GETKEYSANDFLAGS xread count 1 streams a b 0 0", "COMMAND GETKEYSANDFLAGS ping", "COMMAND GETKEYSANDFLAGS nosuch",
			"COMMAND GETKEYSANDFLAGS get", "COMMAND GETKEYSANDFLAGS del a b c", "COMMAND GETKEYSANDFLAGS rename a b",
			"COMMAND GETKEYSANDFLAGS blpop a b 0", "COMMAND GETKEYSANDFLAGS smove a b m", "COMMAND GETKEYSANDFLAGS zunionstore d 5 a"),
	})
}
