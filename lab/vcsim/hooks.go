package main

import (
	"strings"
	"sync"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// guestConfig is what the inventory says about a VM's guest: whether VMware Tools run in it, its address.
type guestConfig struct {
	tools     string
	ipAddress string
	fullName  string
}

// hooks watches the simulator's property changes (a simulator.RegisterObject handler) to close two gaps
// without replacing the VirtualMachine objects (the simulator type-asserts them to *simulator.VirtualMachine
// in many places, so a wrapper type would break snapshots, destroy, clone...):
//   - the guest's VMware Tools state follows the VM's power state, as the inventory says it should;
//   - ReconfigVM_Task's extraConfig replaces a key's value (the simulator appends a duplicate) and an
//     empty value removes the key, as vSphere does.
type hooks struct {
	self   types.ManagedObjectReference
	mu     sync.Mutex
	guests map[types.ManagedObjectReference]guestConfig
}

func installHooks() *hooks {
	h := &hooks{
		self:   types.ManagedObjectReference{Type: "LabHooks", Value: "labvcsim-hooks"},
		guests: map[types.ManagedObjectReference]guestConfig{},
	}
	simulator.Map.AddHandler(h)
	return h
}

func (h *hooks) Reference() types.ManagedObjectReference { return h.self }

func (h *hooks) PutObject(mo.Reference) {}

func (h *hooks) RemoveObject(ref types.ManagedObjectReference) {
	h.mu.Lock()
	delete(h.guests, ref)
	h.mu.Unlock()
}

func (h *hooks) UpdateObject(obj mo.Reference, changes []types.PropertyChange) {
	switch o := obj.(type) {
	case *mo.VirtualMachine:
		for _, change := range changes {
			if change.Name == "runtime.powerState" {
				h.applyGuest(o)
				return
			}
		}
	case *mo.Task:
		for _, change := range changes {
			if change.Name == "info.state" && o.Info.State == types.TaskInfoStateSuccess &&
				o.Info.DescriptionId == "VirtualMachine.reconfigVm" && o.Info.Entity != nil {
				normalizeExtraConfig(*o.Info.Entity)
				return
			}
		}
	}
}

func (h *hooks) setGuest(ref types.ManagedObjectReference, config guestConfig) {
	h.mu.Lock()
	h.guests[ref] = config
	h.mu.Unlock()
}

// applyGuest sets the guest's tools, state, host name and address from the power state and the inventory.
// A VM the inventory does not describe (one created through the API) has tools that run while it is on.
func (h *hooks) applyGuest(vm *mo.VirtualMachine) {
	h.mu.Lock()
	config, ok := h.guests[vm.Self]
	h.mu.Unlock()
	if !ok {
		config = guestConfig{tools: toolsRunning}
	}
	if vm.Guest == nil || vm.Config == nil {
		return
	}
	on := vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn
	fullName := config.fullName
	if fullName == "" {
		fullName = vm.Config.GuestFullName
	}

	status, running, versionStatus, version := types.VirtualMachineToolsStatusToolsNotRunning, "guestToolsNotRunning", "guestToolsCurrent", "12352"
	guestState, heartbeat, hostName, address := "notRunning", types.ManagedEntityStatusGray, "", ""
	switch {
	case config.tools == toolsNotInstalled:
		status, versionStatus, version = types.VirtualMachineToolsStatusToolsNotInstalled, "guestToolsNotInstalled", "0"
	case config.tools == toolsRunning && on:
		status, running = types.VirtualMachineToolsStatusToolsOk, "guestToolsRunning"
		guestState, heartbeat, hostName, address = "running", types.ManagedEntityStatusGreen, vm.Name, config.ipAddress
	}

	changes := []types.PropertyChange{
		{Name: "guest.toolsStatus", Val: status},
		{Name: "guest.toolsRunningStatus", Val: running},
		{Name: "guest.toolsVersionStatus", Val: versionStatus},
		{Name: "guest.toolsVersionStatus2", Val: versionStatus},
		{Name: "guest.toolsVersion", Val: version},
		{Name: "guest.guestState", Val: guestState},
		{Name: "guest.guestId", Val: vm.Config.GuestId},
		{Name: "guest.guestFamily", Val: guestFamilyOf(vm.Config.GuestId)},
		{Name: "guest.guestFullName", Val: fullName},
		{Name: "guest.hostName", Val: hostName},
		{Name: "guest.ipAddress", Val: address},
		{Name: "summary.guest.toolsStatus", Val: status},
		{Name: "summary.guest.toolsRunningStatus", Val: running},
		{Name: "summary.guest.toolsVersionStatus", Val: versionStatus},
		{Name: "summary.guest.toolsVersionStatus2", Val: versionStatus},
		{Name: "summary.guest.guestId", Val: vm.Config.GuestId},
		{Name: "summary.guest.guestFullName", Val: fullName},
		{Name: "summary.guest.hostName", Val: hostName},
		{Name: "summary.guest.ipAddress", Val: address},
		{Name: "summary.quickStats.guestHeartbeatStatus", Val: heartbeat},
	}
	// Set the fields here too: Map.Update only reports (and applies) the paths its type info knows.
	vm.Guest.ToolsStatus, vm.Guest.ToolsRunningStatus = status, running
	vm.Guest.ToolsVersionStatus, vm.Guest.ToolsVersionStatus2, vm.Guest.ToolsVersion = versionStatus, versionStatus, version
	vm.Guest.GuestState, vm.Guest.GuestId, vm.Guest.GuestFullName = guestState, vm.Config.GuestId, fullName
	vm.Guest.GuestFamily, vm.Guest.HostName, vm.Guest.IpAddress = guestFamilyOf(vm.Config.GuestId), hostName, address
	if vm.Summary.Guest == nil {
		vm.Summary.Guest = &types.VirtualMachineGuestSummary{}
	}
	summary := vm.Summary.Guest
	summary.ToolsStatus, summary.ToolsRunningStatus = status, running
	summary.ToolsVersionStatus, summary.ToolsVersionStatus2 = versionStatus, versionStatus
	summary.GuestId, summary.GuestFullName, summary.HostName, summary.IpAddress = vm.Config.GuestId, fullName, hostName, address
	vm.Summary.QuickStats.GuestHeartbeatStatus = heartbeat
	simulator.Map.Update(vm, changes)
}

// normalizeExtraConfig keeps one entry per key (the last value given, where the key first appeared)
// and drops keys whose value is empty.
func normalizeExtraConfig(ref types.ManagedObjectReference) {
	vm, ok := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	if !ok || vm.Config == nil {
		return
	}
	var merged []types.BaseOptionValue
	position := map[string]int{}
	for _, option := range vm.Config.ExtraConfig {
		key := option.GetOptionValue().Key
		if i, seen := position[key]; seen {
			merged[i] = option
			continue
		}
		position[key] = len(merged)
		merged = append(merged, option)
	}
	var kept []types.BaseOptionValue
	for _, option := range merged {
		if value, isString := option.GetOptionValue().Value.(string); isString && value == "" {
			continue
		}
		kept = append(kept, option)
	}
	if len(kept) == len(vm.Config.ExtraConfig) {
		return
	}
	vm.Config.ExtraConfig = kept
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "config.extraConfig", Val: kept}})
}

func guestFamilyOf(id string) string {
	switch {
	case strings.HasPrefix(id, "win"):
		return string(types.VirtualMachineGuestOsFamilyWindowsGuest)
	case strings.HasPrefix(id, "darwin"):
		return string(types.VirtualMachineGuestOsFamilyDarwinGuestFamily)
	default:
		return string(types.VirtualMachineGuestOsFamilyLinuxGuest)
	}
}

// extendGuestIDs lets VMs use the guest ids this govmomi's types know but its simulator's list
// (which stops at vSphere 6.7) does not: Windows Server 2019 and 2022, RHEL 8 and 9, and the like.
func extendGuestIDs() {
	newer := []types.VirtualMachineGuestOsIdentifier{
		types.VirtualMachineGuestOsIdentifierWindows2019srv_64Guest,
		types.VirtualMachineGuestOsIdentifierWindows2019srvNext_64Guest,
		types.VirtualMachineGuestOsIdentifierRhel8_64Guest,
		types.VirtualMachineGuestOsIdentifierRhel9_64Guest,
		types.VirtualMachineGuestOsIdentifierCentos8_64Guest,
		types.VirtualMachineGuestOsIdentifierCentos9_64Guest,
		types.VirtualMachineGuestOsIdentifierOracleLinux8_64Guest,
		types.VirtualMachineGuestOsIdentifierOracleLinux9_64Guest,
		types.VirtualMachineGuestOsIdentifierSles15_64Guest,
		types.VirtualMachineGuestOsIdentifierSles16_64Guest,
		types.VirtualMachineGuestOsIdentifierDebian11Guest,
		types.VirtualMachineGuestOsIdentifierDebian11_64Guest,
		types.VirtualMachineGuestOsIdentifierAmazonlinux2_64Guest,
		types.VirtualMachineGuestOsIdentifierAmazonlinux3_64Guest,
		types.VirtualMachineGuestOsIdentifierAsianux8_64Guest,
		types.VirtualMachineGuestOsIdentifierAsianux9_64Guest,
		types.VirtualMachineGuestOsIdentifierOther4xLinuxGuest,
		types.VirtualMachineGuestOsIdentifierOther4xLinux64Guest,
		types.VirtualMachineGuestOsIdentifierOther5xLinuxGuest,
		types.VirtualMachineGuestOsIdentifierOther5xLinux64Guest,
		types.VirtualMachineGuestOsIdentifierFreebsd11Guest,
		types.VirtualMachineGuestOsIdentifierFreebsd11_64Guest,
		types.VirtualMachineGuestOsIdentifierFreebsd12Guest,
		types.VirtualMachineGuestOsIdentifierFreebsd12_64Guest,
		types.VirtualMachineGuestOsIdentifierFreebsd13Guest,
		types.VirtualMachineGuestOsIdentifierFreebsd13_64Guest,
		types.VirtualMachineGuestOsIdentifierDarwin17_64Guest,
		types.VirtualMachineGuestOsIdentifierDarwin18_64Guest,
		types.VirtualMachineGuestOsIdentifierDarwin19_64Guest,
		types.VirtualMachineGuestOsIdentifierDarwin20_64Guest,
		types.VirtualMachineGuestOsIdentifierDarwin21_64Guest,
	}
	known := map[types.VirtualMachineGuestOsIdentifier]bool{}
	for _, id := range simulator.GuestID {
		known[id] = true
	}
	for _, id := range newer {
		if !known[id] {
			simulator.GuestID = append(simulator.GuestID, id)
		}
	}
}
